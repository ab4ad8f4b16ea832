"""Fixes: edits resolved into the file's text (:mod:`.resolve`), escaped for the carrier that
holds the profile (:mod:`.escape`), and applied byte for byte (:mod:`.apply`)."""
