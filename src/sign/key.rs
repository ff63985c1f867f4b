//! The signing key: an OpenSSH private key from `--sign-key FILE` or the environment
//! variable `MLGATE_SIGNING_KEY` (the key's text, a CI secret), decrypted with
//! `MLGATE_SIGNING_KEY_PASSPHRASE` when it is encrypted. Nothing here ever prints the key,
//! the passphrase or any part of them: messages name only where the key came from.

use std::path::{Path, PathBuf};

use anyhow::Result;
use ssh_key::{Algorithm, HashAlg, LineEnding, PrivateKey};

use crate::error::user;

/// The environment variable holding the private key's text.
pub const KEY_ENV: &str = "MLGATE_SIGNING_KEY";
/// The environment variable holding the passphrase of an encrypted key.
pub const PASSPHRASE_ENV: &str = "MLGATE_SIGNING_KEY_PASSPHRASE";
/// The SSHSIG namespace of every mlgate signature (`ssh-keygen -Y verify -n mlgate`).
pub const NAMESPACE: &str = "mlgate";

/// A decrypted private key and where it came from (for messages).
pub struct SigningKey {
    key: PrivateKey,
    pub source: String,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({}, {})", self.source, self.fingerprint())
    }
}

impl SigningKey {
    /// The key's SHA-256 fingerprint, as `ssh-keygen -l` prints it.
    pub fn fingerprint(&self) -> String {
        self.key.public_key().fingerprint(HashAlg::Sha256).to_string()
    }

    /// The public key line (`ssh-ed25519 AAAA… comment`), for an allowed_signers file.
    pub fn public_line(&self) -> String {
        self.key.public_key().to_openssh().unwrap_or_default()
    }

    /// An armored SSHSIG signature of `msg` in the `mlgate` namespace (SHA-512, as
    /// `ssh-keygen -Y sign` makes by default).
    pub fn sign(&self, msg: &[u8]) -> Result<String> {
        let sig = self
            .key
            .sign(NAMESPACE, HashAlg::Sha512, msg)
            .map_err(|e| anyhow::anyhow!("signing with the key from {} failed: {e}", self.source))?;
        sig.to_pem(LineEnding::LF).map_err(|e| anyhow::anyhow!("encoding the signature: {e}"))
    }
}

/// The key to sign with: `flag` (a file) wins over `$MLGATE_SIGNING_KEY`; `None` when
/// neither is given. An empty variable (a secret a fork's pull request cannot read) counts
/// as not given.
pub fn load(flag: Option<&Path>) -> Result<Option<SigningKey>> {
    if let Some(path) = flag {
        let text = std::fs::read_to_string(path).map_err(|e| {
            user(format!("cannot read the signing key {}: {e}", path.display()))
                .hint("--sign-key takes an OpenSSH private key file, e.g. ~/.ssh/id_ed25519 (not the .pub)")
        })?;
        return parse(&text, &format!("--sign-key {}", path.display()), Some(path.to_path_buf())).map(Some);
    }
    match std::env::var(KEY_ENV) {
        Ok(text) if !text.trim().is_empty() => parse(&text, &format!("${KEY_ENV}"), None).map(Some),
        _ => Ok(None),
    }
}

/// Whether `$MLGATE_SIGNING_KEY` is set but empty (a secret this run cannot read).
pub fn env_is_empty() -> bool {
    std::env::var(KEY_ENV).is_ok_and(|t| t.trim().is_empty())
}

/// A key from its text; `source` names it in messages.
pub fn load_text(text: &str, source: &str) -> Result<SigningKey> {
    parse(text, source, None)
}

fn parse(text: &str, source: &str, path: Option<PathBuf>) -> Result<SigningKey> {
    let fix = |p: &Option<PathBuf>| match p {
        Some(p) => format!("convert it with `ssh-keygen -p -f {}` (rewrites it in OpenSSH format)", p.display()),
        None => "convert it with `ssh-keygen -p -f FILE` and store the new file's text in the secret".into(),
    };
    let t = text.trim_start();
    if t.starts_with("ssh-") || t.starts_with("ecdsa-") || t.starts_with("sk-") {
        return Err(user(format!("{source} is a public key; signing needs the private key"))
            .hint("use the key file without .pub (the public line goes into allowed_signers)")
            .into());
    }
    if t.starts_with("-----BEGIN") && !t.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----") {
        return Err(user(format!("{source} is a PEM private key, not an OpenSSH one")).hint(fix(&path)).into());
    }
    let key = PrivateKey::from_openssh(t).map_err(|e| {
        user(format!("{source} is not an OpenSSH private key ({e})"))
            .hint("create one with `ssh-keygen -t ed25519 -C you@example.com -f mlgate_signing_key`")
    })?;
    let key = if key.is_encrypted() {
        let pass = std::env::var(PASSPHRASE_ENV).ok().filter(|p| !p.is_empty()).ok_or_else(|| {
            user(format!("the key from {source} is encrypted and ${PASSPHRASE_ENV} is not set"))
                .hint(format!("set ${PASSPHRASE_ENV} to its passphrase (a CI secret); mlgate never asks on a terminal"))
        })?;
        key.decrypt(pass.as_bytes()).map_err(|_| {
            user(format!("${PASSPHRASE_ENV} does not decrypt the key from {source}")).hint(
                "check the passphrase; `ssh-keygen -y -f FILE` asks for it and prints the public key when it is right",
            )
        })?
    } else {
        key
    };
    refuse_algorithm(key.algorithm(), source)?;
    Ok(SigningKey { key, source: source.to_string() })
}

/// Ed25519 and ECDSA sign; the rest are refused with the reason.
fn refuse_algorithm(alg: Algorithm, source: &str) -> Result<()> {
    let why = match alg {
        Algorithm::Ed25519 | Algorithm::Ecdsa { .. } => return Ok(()),
        Algorithm::Rsa { .. } => {
            "RSA signing is not offered: the Rust RSA implementation has a known timing side channel (RUSTSEC-2023-0071); RSA signers are still verified"
        }
        Algorithm::SkEd25519 | Algorithm::SkEcdsaSha2NistP256 => {
            "a hardware (FIDO) key needs a touch for every signature and cannot sign unattended in CI"
        }
        _ => "this key type is not supported for signing",
    };
    Err(user(format!("the key from {source} is {}: {why}", alg.as_str()))
        .hint("create an Ed25519 key: `ssh-keygen -t ed25519 -C you@example.com -f mlgate_signing_key`")
        .into())
}
