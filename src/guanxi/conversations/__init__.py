"""Conversations: direct chats and groups, their members, messages and reactions."""
