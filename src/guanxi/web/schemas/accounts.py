"""Accounts on the wire."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from guanxi.web.schemas.fields import In, Text


class RegisterIn(In):
    handle: Text = Field(max_length=64, examples=["mei.lin"])
    password: Text = Field(max_length=1024)
    display_name: Text = Field(max_length=200, examples=["林美"])
    device: Text = Field("", max_length=100)
    invite: Text | None = Field(
        None, max_length=100, description="An invite code, when registration is by invitation."
    )


class LoginIn(In):
    handle: Text = Field(max_length=64)
    password: Text = Field(max_length=1024)
    device: Text = Field("", max_length=100)


class ProfileIn(In):
    display_name: Text | None = Field(None, max_length=200)
    bio: Text | None = Field(None, max_length=2000)
    moments_visible: Literal["3d", "6m", "all"] | None = Field(
        None, description="How far back friends see my moments: 3 days, 6 months, or all."
    )


class UserOut(BaseModel):
    handle: str
    display_name: str
    bio: str
    is_placeholder: bool
    is_deleted: bool = False
    created_at: str
    avatar: str | None = Field(
        None,
        description="The profile picture's version, or null (none: draw the initials);"
        " GET /users/{handle}/avatar serves it.",
    )


class MeOut(UserOut):
    """One's own profile: the public fields and one's private settings."""

    moments_visible: str


class SessionOut(BaseModel):
    user: UserOut
    token: str


class PasswordChangeIn(In):
    current_password: Text = Field(max_length=1024)
    new_password: Text = Field(max_length=1024)


class DeviceSessionOut(BaseModel):
    """One device's login, as its owner sees it."""

    id: int
    device: str
    address: str
    created_at: str
    last_used_at: str
    current: bool = Field(description="The session this call was made with.")


class SessionListOut(BaseModel):
    sessions: list[DeviceSessionOut]


class DeleteAccountIn(In):
    password: Text = Field(max_length=1024, description="Your password, to confirm.")
