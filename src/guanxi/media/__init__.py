"""Media: uploads (images, voice, video, files), content-addressed storage, access."""
