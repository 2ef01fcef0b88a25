//! The ssh-agent protocol as far as docket speaks it (draft-miller-ssh-agent): ask which
//! keys an agent holds, and ask it to sign. Two requests over the agent's Unix socket,
//! written out here so the signing path carries no client built for every key type and
//! every agent operation: docket signs with Ed25519 only, and a general client brought in
//! the `rsa` crate (with an open timing advisory, RUSTSEC-2023-0071) that it never used.

use ssh_encoding::{Decode as _, Encode as _};
use ssh_key::Signature;
use ssh_key::public::KeyData;
use std::io::{Read as _, Write as _};
use std::os::unix::net::UnixStream;
use std::path::Path;

/// Message numbers (draft-miller-ssh-agent §6.1).
const FAILURE: u8 = 5;
const REQUEST_IDENTITIES: u8 = 11;
const IDENTITIES_ANSWER: u8 = 12;
const SIGN_REQUEST: u8 = 13;
const SIGN_RESPONSE: u8 = 14;

/// The longest answer read: OpenSSH's own bound on an agent message (256 KiB). Anything
/// longer is not an agent talking.
const MAX_MESSAGE: usize = 256 * 1024;

/// What went wrong talking to an agent.
#[derive(Debug)]
pub enum AgentError {
    Io(std::io::Error),
    /// The agent answered SSH_AGENT_FAILURE (it does not hold the key, or its user said no).
    Refused,
    /// The answer is not one the protocol allows for the request.
    Malformed,
}

impl std::fmt::Display for AgentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AgentError::Io(e) => write!(f, "{e}"),
            AgentError::Refused => f.write_str(&t!("agent-refused")),
            AgentError::Malformed => f.write_str(&t!("agent-malformed")),
        }
    }
}

impl From<std::io::Error> for AgentError {
    fn from(e: std::io::Error) -> AgentError {
        AgentError::Io(e)
    }
}

/// A connection to a running ssh-agent.
pub struct Agent {
    stream: UnixStream,
}

impl Agent {
    pub fn connect(sock: &Path) -> Result<Agent, AgentError> {
        Ok(Agent {
            stream: UnixStream::connect(sock)?,
        })
    }

    /// Whether the agent holds the private half of `key`.
    pub fn holds(&mut self, key: &KeyData) -> Result<bool, AgentError> {
        let wanted = blob(key);
        let answer = self.request(&[REQUEST_IDENTITIES])?;
        let mut r = Cursor(&answer);
        if r.byte()? != IDENTITIES_ANSWER {
            return Err(AgentError::Malformed);
        }
        let mut found = false;
        for _ in 0..r.u32()? {
            let (key, _comment) = (r.string()?, r.string()?);
            found |= key == wanted.as_slice();
        }
        Ok(found)
    }

    /// The agent's signature with `key` over `data` (no flags: they choose RSA hashes).
    pub fn sign(&mut self, key: &KeyData, data: &[u8]) -> Result<Signature, AgentError> {
        let mut request = vec![SIGN_REQUEST];
        put_string(&mut request, &blob(key));
        put_string(&mut request, data);
        request.extend_from_slice(&0u32.to_be_bytes());
        let answer = self.request(&request)?;
        let mut r = Cursor(&answer);
        match r.byte()? {
            SIGN_RESPONSE => {
                let mut sig = r.string()?;
                Signature::decode(&mut sig).map_err(|_| AgentError::Malformed)
            }
            _ => Err(AgentError::Malformed),
        }
    }

    /// Send one message and read the answer's body; SSH_AGENT_FAILURE is `Refused`.
    fn request(&mut self, body: &[u8]) -> Result<Vec<u8>, AgentError> {
        let mut message = Vec::with_capacity(body.len() + 4);
        put_string(&mut message, body);
        self.stream.write_all(&message)?;
        let mut len = [0u8; 4];
        self.stream.read_exact(&mut len)?;
        let len = u32::from_be_bytes(len) as usize;
        if len == 0 || len > MAX_MESSAGE {
            return Err(AgentError::Malformed);
        }
        let mut answer = vec![0u8; len];
        self.stream.read_exact(&mut answer)?;
        if answer == [FAILURE] {
            return Err(AgentError::Refused);
        }
        Ok(answer)
    }
}

/// A public key as the protocol carries it: its SSH wire encoding.
fn blob(key: &KeyData) -> Vec<u8> {
    let mut out = Vec::new();
    key.encode(&mut out).expect("public keys encode");
    out
}

/// An SSH `string`: a big-endian `uint32` length, then the bytes.
fn put_string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// Reads an answer's fields, each within what is left of it.
struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], AgentError> {
        if n > self.0.len() {
            return Err(AgentError::Malformed);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8, AgentError> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, AgentError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn string(&mut self) -> Result<&'a [u8], AgentError> {
        let n = self.u32()? as usize;
        self.take(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ssh_key::{Algorithm, PrivateKey};
    use std::os::unix::net::UnixListener;

    /// An agent on a temporary socket that answers each request with the next of
    /// `answers` (whole messages, length included) and hands back what it was sent.
    fn fake_agent(
        answers: Vec<Vec<u8>>,
    ) -> (tempfile::TempDir, std::thread::JoinHandle<Vec<Vec<u8>>>) {
        let dir = tempfile::tempdir().unwrap();
        let listener = UnixListener::bind(dir.path().join("agent")).unwrap();
        let served = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut heard = Vec::new();
            for answer in answers {
                let mut len = [0u8; 4];
                conn.read_exact(&mut len).unwrap();
                let mut body = vec![0u8; u32::from_be_bytes(len) as usize];
                conn.read_exact(&mut body).unwrap();
                heard.push(body);
                conn.write_all(&answer).unwrap();
            }
            heard
        });
        (dir, served)
    }

    fn message(body: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        put_string(&mut out, body);
        out
    }

    fn key() -> PrivateKey {
        PrivateKey::random(&mut ssh_key::rand_core::OsRng, Algorithm::Ed25519).unwrap()
    }

    #[test]
    fn an_agent_lists_its_keys_and_signs_with_one() {
        use signature::{Signer as _, Verifier as _};
        let (held, other) = (key(), key());
        let data = b"SSHSIG signed data";
        let sig = held.try_sign(data).unwrap();
        let mut identities = vec![IDENTITIES_ANSWER];
        identities.extend_from_slice(&2u32.to_be_bytes());
        for (k, comment) in [(&other, "other"), (&held, "held")] {
            put_string(&mut identities, &blob(k.public_key().key_data()));
            put_string(&mut identities, comment.as_bytes());
        }
        let mut signed = vec![SIGN_RESPONSE];
        let mut sig_blob = Vec::new();
        sig.encode(&mut sig_blob).unwrap();
        put_string(&mut signed, &sig_blob);
        let (dir, served) = fake_agent(vec![message(&identities), message(&signed)]);
        let mut agent = Agent::connect(&dir.path().join("agent")).unwrap();
        assert!(agent.holds(held.public_key().key_data()).unwrap());
        let got = agent.sign(held.public_key().key_data(), data).unwrap();
        assert!(held.public_key().key_data().verify(data, &got).is_ok());
        // What the agent was asked, byte for byte.
        let heard = served.join().unwrap();
        assert_eq!(heard[0], [REQUEST_IDENTITIES]);
        let mut request = vec![SIGN_REQUEST];
        put_string(&mut request, &blob(held.public_key().key_data()));
        put_string(&mut request, data);
        request.extend_from_slice(&[0, 0, 0, 0]);
        assert_eq!(heard[1], request);
    }

    #[test]
    fn an_agent_without_the_key_does_not_hold_it_and_refuses_to_sign() {
        let k = key();
        let mut none = vec![IDENTITIES_ANSWER];
        none.extend_from_slice(&0u32.to_be_bytes());
        let (dir, _served) = fake_agent(vec![message(&none), message(&[FAILURE])]);
        let mut agent = Agent::connect(&dir.path().join("agent")).unwrap();
        assert!(!agent.holds(k.public_key().key_data()).unwrap());
        assert!(matches!(
            agent.sign(k.public_key().key_data(), b"x"),
            Err(AgentError::Refused)
        ));
    }

    /// Answers that are cut, claim more than they hold, are of the wrong kind or longer
    /// than any agent message are errors, never a panic or a huge allocation.
    #[test]
    fn malformed_answers_are_errors() {
        let k = key();
        let mut claims_more = vec![IDENTITIES_ANSWER];
        claims_more.extend_from_slice(&3u32.to_be_bytes());
        put_string(&mut claims_more, b"only one");
        let mut string_too_long = vec![IDENTITIES_ANSWER, 0, 0, 0, 1];
        string_too_long.extend_from_slice(&u32::MAX.to_be_bytes());
        for answer in [
            message(&claims_more),
            message(&string_too_long),
            message(&[SIGN_RESPONSE]),
            message(&[]),
            ((MAX_MESSAGE + 1) as u32).to_be_bytes().to_vec(),
        ] {
            let (dir, _served) = fake_agent(vec![answer.clone()]);
            let mut agent = Agent::connect(&dir.path().join("agent")).unwrap();
            assert!(
                matches!(
                    agent.holds(k.public_key().key_data()),
                    Err(AgentError::Malformed)
                ),
                "{answer:?}"
            );
        }
        let (dir, _served) = fake_agent(vec![message(&[SIGN_RESPONSE, 0, 0, 0, 2, 1, 2])]);
        let mut agent = Agent::connect(&dir.path().join("agent")).unwrap();
        assert!(matches!(
            agent.sign(k.public_key().key_data(), b"x"),
            Err(AgentError::Malformed)
        ));
        assert!(matches!(
            Agent::connect(&dir.path().join("nobody")),
            Err(AgentError::Io(_))
        ));
    }
}
