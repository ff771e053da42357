"""The read side as routes and pages share it: each reader waits for the views it reads to
have every acknowledged write, reads the account's documents, and says what it could not
read. JSON routes answer the typed models (``api.reads.models``); pages render the same
documents."""
