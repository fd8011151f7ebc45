"""The form layer: the definition, drafts, their checks and the local store (no Qt, no PDF).

One process-wide choice is made here, because every part of the program imports this package
before any PDF library: pypdf is kept from loading a cryptography backend. At its import pypdf
loads ``cryptography``'s OpenSSL bindings (about 6 MB resident, issue 13) only to decrypt
encrypted PDFs, and Shenbao never decrypts one: an encrypted attachment is refused before its
content is read (``attachment_invalid``). pypdf then takes its own fallback, which still reads
every unencrypted file and still says whether a file is encrypted; for AES-256 it cannot even
check the empty password and raises ``pypdf.errors.DependencyError``, which the attachment
checks take for what it is (:func:`forms.attachments.needs_decryption`). The draft file's own
encryption imports ``cryptography`` directly and is not affected. A mapping to None in
``sys.modules`` makes that one import fail (the documented import-system behaviour) and nothing
else; when pypdf was imported before (tests that load it first), it changes nothing.
"""

import sys

sys.modules.setdefault("pypdf._crypt_providers._cryptography", None)
