//! Actors' OpenSSH Ed25519 keys: reading registered public keys, finding the private half
//! (an identity file, as `ssh -i` takes it, or a running ssh-agent), and signing and
//! checking SSHSIG signatures in the `docket` namespace, as `ssh-keygen -Y` does.

use crate::error::{Error, InputError, Location, Result};
use sha2::{Digest, Sha512};
use signature::{Signer as _, Verifier as _};
use ssh_encoding::base64::{Base64, Encoding as _};
use ssh_encoding::{Decode as _, Encode as _};
use ssh_key::{Algorithm, HashAlg, LineEnding, PrivateKey, PublicKey, SshSig};
use std::path::{Path, PathBuf};

/// The SSHSIG namespace of every docket signature.
pub const NAMESPACE: &str = "docket";

/// A registered public key, kept as its canonical `ssh-ed25519 AAAA…` line (no comment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    key: PublicKey,
}

impl Key {
    /// A key given at the command line: a `.pub` file, or the `ssh-ed25519 AAAA…` line.
    pub fn from_arg(arg: &str) -> Result<Key> {
        let text = if arg.trim_start().starts_with("ssh-") {
            arg.to_string()
        } else {
            std::fs::read_to_string(arg).map_err(|e| {
                InputError::new(
                    Location::file(format!("--key {arg}")),
                    t!("keys-cannot-read-public-key", e = e),
                )
                .hint(t!("keys-give-pub-file-made"))
            })?
        };
        Key::parse(text.trim()).map_err(|m| {
            InputError::new(Location::file(format!("--key {arg}")), m)
                .hint(t!("keys-make-one-ssh-keygen"))
                .into()
        })
    }

    /// Parse an OpenSSH public key line; only Ed25519 keys are accepted.
    pub fn parse(line: &str) -> std::result::Result<Key, String> {
        let mut key = PublicKey::from_openssh(line)
            .map_err(|_| t!("keys-not-openssh-public-key").to_string())?;
        if key.algorithm() != Algorithm::Ed25519 {
            return Err(t!(
                "keys-key-docket-registers-ed",
                algorithm = key.algorithm()
            ));
        }
        key.set_comment("");
        Ok(Key { key })
    }

    /// The canonical `ssh-ed25519 AAAA…` line.
    pub fn line(&self) -> String {
        self.key
            .to_openssh()
            .expect("ed25519 keys encode")
            .trim()
            .to_string()
    }

    /// `SHA256:…`, as `ssh-keygen -l` prints it.
    pub fn fingerprint(&self) -> String {
        self.key.fingerprint(HashAlg::Sha256).to_string()
    }

    /// Whether `sig` is this key's signature, in the docket namespace, over the message
    /// whose SHA-512 is `digest` (the message itself may be long and was hashed as read).
    pub fn verifies(&self, digest: &[u8; 64], sig: &SshSig) -> bool {
        if sig.namespace() != NAMESPACE
            || sig.hash_alg() != HashAlg::Sha512
            || sig.public_key() != self.key.key_data()
        {
            return false;
        }
        let signed = signed_data(digest);
        self.key.key_data().verify(&signed, sig.signature()).is_ok()
    }
}

/// The bytes an SSHSIG signature covers (OpenSSH PROTOCOL.sshsig): the preamble, the
/// namespace, a reserved field and the hash of the message.
fn signed_data(digest: &[u8; 64]) -> Vec<u8> {
    let mut out = b"SSHSIG".to_vec();
    for field in [NAMESPACE.as_bytes(), b"", b"sha512", digest.as_slice()] {
        out.extend_from_slice(&(field.len() as u32).to_be_bytes());
        out.extend_from_slice(field);
    }
    out
}

/// SHA-512 of a message, as SSHSIG hashes it before signing.
pub fn digest(message: &[u8]) -> [u8; 64] {
    Sha512::digest(message).into()
}

/// A signature as one word of an audit line: the SSHSIG blob in base64.
pub fn encode_sig(sig: &SshSig) -> String {
    let mut bytes = Vec::new();
    sig.encode(&mut bytes).expect("signatures encode");
    Base64::encode_string(&bytes)
}

pub fn decode_sig(word: &[u8]) -> Option<SshSig> {
    let text = std::str::from_utf8(word).ok()?;
    let bytes = Base64::decode_vec(text).ok()?;
    SshSig::decode(&mut bytes.as_slice()).ok()
}

/// The armored form `ssh-keygen -Y verify -s` reads.
pub fn armored(sig: &SshSig) -> String {
    sig.to_pem(LineEnding::LF).expect("signatures encode")
}

/// Where the private half of a key lives.
enum Source {
    File(Box<PrivateKey>),
    Agent(Box<crate::agent::Agent>),
}

/// Signs in the name of one actor with their registered key.
pub struct Signer {
    key: Key,
    source: Source,
}

/// How to find an actor's private key: an identity file (`--identity`,
/// `DOCKET_IDENTITY`), else the ssh-agent at `SSH_AUTH_SOCK`.
#[derive(Debug, Clone, Default)]
pub struct KeySource {
    pub identity: Option<PathBuf>,
    pub agent: Option<PathBuf>,
}

/// A private key file of one's own that others may read is refused, as OpenSSH refuses
/// it ("UNPROTECTED PRIVATE KEY FILE"): whoever else can read it can sign as its owner.
/// Like OpenSSH, a file owned by someone else (a key an administrator placed) is not
/// judged by its mode.
fn refuse_open_to_others(path: &Path) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(()); // reading it says what is wrong
    };
    let mine = meta.uid() == rustix::process::getuid().as_raw();
    if !mine || meta.mode() & 0o077 == 0 {
        return Ok(());
    }
    let shown = path.display();
    Err(Error::denied(
        t!(
            "keys-key-file-open-to-others",
            shown = shown,
            mode = format!("{:04o}", meta.mode() & 0o7777)
        ),
        Some(t!("keys-make-key-file-yours", shown = shown)),
    ))
}

impl Signer {
    /// Where the key comes from, for messages.
    pub fn source(&self) -> String {
        match self.source {
            Source::File(_) => t!("keys-identity-file"),
            Source::Agent(_) => t!("keys-ssh-agent"),
        }
    }

    /// The signer for `actor`, whose registered key is `expected`; exit 4 when the key
    /// cannot be had, saying which key is expected and how to give it.
    pub fn find(actor: &str, expected: &Key, from: &KeySource) -> Result<Signer> {
        let wanted = || {
            t!(
                "keys-actor-signs-key-registered",
                actor = actor,
                fingerprint = expected.fingerprint()
            )
        };
        if let Some(path) = &from.identity {
            return Signer::from_file(actor, expected, path, from.agent.as_deref());
        }
        match &from.agent {
            Some(sock) => Signer::from_agent(actor, expected, sock)?.ok_or_else(|| {
                Error::denied(
                    t!("keys-ssh-agent-holds-no", actor = actor, wanted = wanted()),
                    Some(t!("keys-add-ssh-add-file")),
                )
            }),
            None => Err(Error::denied(
                t!("keys-no-key-sign", wanted = wanted()),
                Some(t!("keys-pass-identity-file-set")),
            )),
        }
    }

    fn from_file(actor: &str, expected: &Key, path: &Path, agent: Option<&Path>) -> Result<Signer> {
        let shown = path.display();
        refuse_open_to_others(path)?;
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::denied(
                t!("keys-cannot-read-identity-file", shown = shown, e = e),
                Some(t!("keys-give-private-key-file")),
            )
        })?;
        let private = PrivateKey::from_openssh(text.trim()).map_err(|_| {
            Error::denied(
                t!("keys-not-openssh-private-key", shown = shown),
                Some(t!("keys-give-private-key-file-2")),
            )
        })?;
        let found =
            Key::parse(&private.public_key().to_openssh().unwrap_or_default()).map_err(|m| {
                Error::denied(
                    format!("{shown}: {m}"),
                    Some(t!("keys-give-ed-private-key").to_string()),
                )
            })?;
        if &found != expected {
            return Err(Error::denied(
                t!(
                    "keys-holds-key-but-actor",
                    shown = shown,
                    fingerprint = found.fingerprint(),
                    actor = actor,
                    fingerprint2 = expected.fingerprint()
                ),
                Some(t!("keys-act-their-own-key", actor = actor, actor = actor)),
            ));
        }
        if !private.is_encrypted() {
            return Ok(Signer {
                key: found,
                source: Source::File(Box::new(private)),
            });
        }
        // A passphrase-protected key is used through the agent that holds it unlocked.
        let held = match agent {
            Some(sock) => Signer::from_agent(actor, expected, sock).ok().flatten(),
            None => None,
        };
        held.ok_or_else(|| {
            Error::denied(
                t!("keys-key-protected-passphrase-no", shown = shown),
                Some(t!("keys-run-ssh-add-shell", shown = shown)),
            )
        })
    }

    fn from_agent(actor: &str, expected: &Key, sock: &Path) -> Result<Option<Signer>> {
        let mut agent = crate::agent::Agent::connect(sock).map_err(|e| {
            Error::denied(
                t!(
                    "keys-cannot-reach-ssh-agent",
                    display = sock.display(),
                    e = e
                ),
                Some(t!("keys-start-one-eval-ssh", actor = actor)),
            )
        })?;
        let found = agent.holds(expected.key.key_data()).map_err(|e| {
            Error::denied(
                t!("keys-ssh-agent-did-not", e = e),
                Some(t!("keys-restart-agent-eval-ssh").to_string()),
            )
        })?;
        Ok(found.then(|| Signer {
            key: expected.clone(),
            source: Source::Agent(Box::new(agent)),
        }))
    }

    pub fn key(&self) -> &Key {
        &self.key
    }

    /// Prove that this signer holds the private key: sign a fresh challenge and check it
    /// with the registered key. Writes nothing anywhere.
    pub fn prove(&mut self) -> Result<()> {
        use ssh_key::rand_core::RngCore;
        let mut nonce = [0u8; 32];
        ssh_key::rand_core::OsRng.fill_bytes(&mut nonce);
        // Never the shape of a log transaction (`PREV JSON`), so it signs nothing else.
        let challenge = format!("docket-proof {}", crate::layout::hex(&nonce));
        let sig = self.sign_digest(&digest(challenge.as_bytes()))?;
        if self.key.verifies(&digest(challenge.as_bytes()), &sig) {
            Ok(())
        } else {
            Err(Error::denied(
                t!("keys-proof-failed", fingerprint = self.key.fingerprint()),
                Some(t!("keys-check-agent-still-holds")),
            ))
        }
    }

    /// An SSHSIG signature over the message whose SHA-512 is `digest` (a transaction's
    /// lines, hashed as they were encoded).
    pub fn sign_digest(&mut self, digest: &[u8; 64]) -> Result<SshSig> {
        let signed = signed_data(digest);
        let signature = match &mut self.source {
            Source::File(private) => private
                .try_sign(&signed)
                .map_err(|e| Error::Internal(format!("signing failed: {e}")))?,
            Source::Agent(agent) => {
                let refused = |e: String| {
                    Error::denied(
                        t!("keys-ssh-agent-refused-sign", e = e),
                        Some(t!("keys-check-agent-still-holds")),
                    )
                };
                let signature = agent
                    .sign(self.key.key.key_data(), &signed)
                    .map_err(|e| refused(e.to_string()))?;
                // What another program answers is checked before it is written: a
                // signature that does not verify would make the log fail `verify`.
                self.key
                    .key
                    .key_data()
                    .verify(&signed, &signature)
                    .map_err(|_| refused(t!("agent-signature-does-not-verify")))?;
                signature
            }
        };
        SshSig::new(
            self.key.key.key_data().clone(),
            NAMESPACE,
            HashAlg::Sha512,
            signature,
        )
        .map_err(|e| Error::Internal(format!("signature: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keypair() -> (PrivateKey, Key) {
        let private = PrivateKey::random(&mut ssh_key::rand_core::OsRng, Algorithm::Ed25519)
            .expect("key generation");
        let public = Key::parse(&private.public_key().to_openssh().unwrap()).unwrap();
        (private, public)
    }

    #[test]
    fn signatures_verify_against_their_key_and_message_only() {
        let (private, key) = keypair();
        let (_, other) = keypair();
        let mut signer = Signer {
            key: key.clone(),
            source: Source::File(Box::new(private)),
        };
        let sig = signer.sign_digest(&digest(b"entry")).unwrap();
        let round = decode_sig(encode_sig(&sig).as_bytes()).unwrap();
        assert!(key.verifies(&digest(b"entry"), &round));
        assert!(!key.verifies(&digest(b"entrx"), &round));
        assert!(!other.verifies(&digest(b"entry"), &round));
        // The library's own SSHSIG check agrees with the hand-built signed data.
        assert!(key.key.verify(NAMESPACE, b"entry", &round).is_ok());
    }

    #[test]
    fn a_signature_whose_header_disagrees_with_what_was_signed_is_refused() {
        let (private, key) = keypair();
        let (other, _) = keypair();
        let digest = digest(b"entry");
        // Good signature bytes over the docket namespace, SHA-512 and this digest…
        let raw = private.try_sign(&signed_data(&digest)).unwrap();
        let with = |pk: &PrivateKey, namespace: &str, alg: HashAlg| {
            SshSig::new(
                pk.public_key().key_data().clone(),
                namespace,
                alg,
                raw.clone(),
            )
            .unwrap()
        };
        assert!(key.verifies(&digest, &with(&private, NAMESPACE, HashAlg::Sha512)));
        // …under a header naming another namespace, hash or key are refused.
        assert!(!key.verifies(&digest, &with(&private, "git", HashAlg::Sha512)));
        assert!(!key.verifies(&digest, &with(&private, NAMESPACE, HashAlg::Sha256)));
        assert!(!key.verifies(&digest, &with(&other, NAMESPACE, HashAlg::Sha512)));
    }

    #[test]
    fn only_ed25519_public_keys_are_registered() {
        let (_, key) = keypair();
        assert_eq!(
            Key::parse(&format!("{} alice@laptop", key.line())),
            Ok(key.clone())
        );
        assert!(key.fingerprint().starts_with("SHA256:"));
        assert!(Key::parse("ssh-ed25519 AAAAnot-base64").is_err());
        assert!(Key::parse("hello").is_err());
        assert!(decode_sig(b"-").is_none());
    }
}
