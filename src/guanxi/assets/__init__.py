"""Social assets: the ledger, the guanxi-archive export (with its offline viewer), imports from a
guanxi archive, Telegram and WhatsApp, and the placeholder contacts imports bring. Assets reads
the other domains through their services and stores; nothing below imports it."""
