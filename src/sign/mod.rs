//! Signatures a compliance archive can check with OpenSSH alone: SSHSIG (namespace
//! `mlgate`) over the exact bytes of a file, written beside it as `FILE.sig`, verified
//! against an allowed_signers file as `ssh-keygen -Y verify` does. The cryptography and
//! the key and signature formats are the `ssh-key` crate's; this module only reads keys,
//! the allowed_signers format, and the rules for which signer counts.

pub mod key;
pub mod signers;
pub mod verify;

use std::path::{Path, PathBuf};

pub use key::{NAMESPACE, SigningKey};
pub use signers::{Revoked, Signers};
pub use verify::{Problem, Signer};

/// Where the signature of `file` lives: `file.sig`, as `ssh-keygen -Y sign` writes it.
pub fn signature_path(file: &Path) -> PathBuf {
    let mut s = file.as_os_str().to_owned();
    s.push(".sig");
    PathBuf::from(s)
}

#[cfg(test)]
mod tests {
    use super::signers::{matches, matches_list, parse_time};
    use super::*;

    // A throwaway key made for these tests with `ssh-keygen -t ed25519 -N ''`.
    const KEY: &str = "-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACA43BrYxho9+k/9hvQ3Gp6IhGXPnIP6TamYEalR4+XpzAAAAJh25DUBduQ1
AQAAAAtzc2gtZWQyNTUxOQAAACA43BrYxho9+k/9hvQ3Gp6IhGXPnIP6TamYEalR4+XpzA
AAAEBdYYXGvp1UHT31Ener7ign7wscPFVFkX1znzpjoz+q+TjcGtjGGj36T/2G9DcanoiE
Zc+cg/pNqZgRqVHj5enMAAAAE3Rlc3RAbWxnYXRlLmludmFsaWQBAg==
-----END OPENSSH PRIVATE KEY-----
";
    const PUB: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDjcGtjGGj36T/2G9DcanoiEZc+cg/pNqZgRqVHj5enM test@mlgate.invalid";
    // `ssh-keygen -Y sign -n mlgate -f KEY` over "hello\n".
    const SSH_KEYGEN_SIG: &str = "-----BEGIN SSH SIGNATURE-----
U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgONwa2MYaPfpP/Yb0NxqeiIRlz5
yD+k2pmBGpUePl6cwAAAAGbWxnYXRlAAAAAAAAAAZzaGE1MTIAAABTAAAAC3NzaC1lZDI1
NTE5AAAAQPUQlat5Mi1422EhwfmqBx1jcYfq8lSUF6ufKyQ3SVQk3QYv9/VDiR/naxkRRw
t+QYOd0eX0w5kDYCXSfmahXAw=
-----END SSH SIGNATURE-----
";
    const NOW: i64 = 1_800_000_000;

    fn signers(text: &str) -> Signers {
        Signers::parse(text, "allowed_signers").unwrap()
    }

    #[test]
    fn patterns_follow_openssh() {
        assert!(matches("*@example.com", "alice@example.com"));
        assert!(matches("a?ice", "alice") && !matches("a?ice", "aice"));
        assert!(!matches("alice", "alice2"));
        assert!(matches("*", "") && matches("a*", "a") && !matches("?", ""));
        assert!(matches("*@*.example.com", "bob@ml.example.com") && !matches("*@*.example.com", "bob@example.com"));
        assert!(matches("a*b*c", "axxbyyc") && !matches("a*b*c", "axxbyy"));
        // Many stars against a long near-miss: linear in the text, not exponential.
        let started = std::time::Instant::now();
        assert!(!matches(&"*a".repeat(30), &format!("{}b", "a".repeat(5_000))));
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        let list: Vec<String> = ["*@example.com", "!eve@*"].iter().map(|s| s.to_string()).collect();
        assert!(matches_list(&list, "bob@example.com"));
        assert!(!matches_list(&list, "eve@example.com"));
        assert!(!matches_list(&list, "bob@other.org"));
    }

    #[test]
    fn times_are_openssh_timestamps() {
        assert_eq!(parse_time("20270115Z"), Some(1_799_971_200));
        assert_eq!(parse_time("202701150000Z"), Some(1_799_971_200));
        assert_eq!(parse_time("20270115000001Z"), Some(1_799_971_201));
        assert_eq!(parse_time("2027011"), None);
        assert_eq!(parse_time("20271315Z"), None);
        assert_eq!(parse_time("x0270115Z"), None);
    }

    #[test]
    fn a_signature_made_by_ssh_keygen_verifies_and_an_altered_message_does_not() {
        let s = signers(&format!("test@mlgate.invalid {PUB}\n"));
        let ok = verify::verify(&s, &Revoked::default(), b"hello\n", SSH_KEYGEN_SIG, Some("test@mlgate.invalid"), NOW);
        assert_eq!(ok.unwrap().line, 1);
        let bad = verify::verify(&s, &Revoked::default(), b"hello!\n", SSH_KEYGEN_SIG, None, NOW);
        assert!(matches!(bad, Err(Problem::Altered { .. })), "{bad:?}");
    }

    #[test]
    fn mlgate_signs_what_it_verifies() {
        let key = key::load_text(KEY, "test").unwrap();
        let sig = key.sign(b"results").unwrap();
        assert!(sig.starts_with("-----BEGIN SSH SIGNATURE-----"));
        let s = signers(&format!("# comment\n\n*@mlgate.invalid namespaces=\"mlgate,git\" {PUB}\n"));
        let who = verify::verify(&s, &Revoked::default(), b"results", &sig, Some("test@mlgate.invalid"), NOW).unwrap();
        assert_eq!((who.line, who.principals.clone()), (3, vec!["*@mlgate.invalid".to_string()]));
        assert_eq!(who.fingerprint, key.fingerprint());
        let other = verify::verify(&s, &Revoked::default(), b"results", &sig, Some("eve@example.com"), NOW);
        assert!(matches!(other, Err(Problem::Identity { .. })), "{other:?}");
    }

    #[test]
    fn signer_lines_limit_namespace_time_and_revocation() {
        let key = key::load_text(KEY, "test").unwrap();
        let sig = key.sign(b"x").unwrap();
        let check = |text: &str, revoked: &Revoked| verify::verify(&signers(text), revoked, b"x", &sig, None, NOW);
        let none = Revoked::default();
        assert!(matches!(
            check(&format!("a namespaces=\"git\" {PUB}"), &none),
            Err(Problem::NamespaceNotAllowed { .. })
        ));
        let expired = check(&format!("a valid-before=\"20260101Z\" {PUB}"), &none);
        assert!(
            matches!(&expired, Err(Problem::NotValid { why, .. }) if why.contains("expired at 2026-01-01")),
            "{expired:?}"
        );
        assert!(matches!(check(&format!("a valid-after=\"20300101Z\" {PUB}"), &none), Err(Problem::NotValid { .. })));
        assert!(check(&format!("a valid-after=\"20260101Z\",valid-before=\"20300101Z\" {PUB}"), &none).is_ok());
        // Another key's line, and a certificate authority line, do not match.
        let other = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHc0W3kbkvn5O5wGmaO2y2K8wDoh4kkGeU5bGmrrO4Aq";
        assert!(matches!(check(&format!("a {other}"), &none), Err(Problem::UnknownSigner { .. })));
        assert!(matches!(check(&format!("a cert-authority {PUB}"), &none), Err(Problem::UnknownSigner { .. })));
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("revoked"), format!("# gone\n{PUB}\n")).unwrap();
        let revoked = Revoked::read(&dir.path().join("revoked")).unwrap();
        assert!(matches!(check(&format!("a {PUB}"), &revoked), Err(Problem::Revoked { .. })));
        let wrong_ns = SSH_KEYGEN_SIG.to_string();
        assert!(verify::verify(&signers(&format!("a {PUB}")), &none, b"hello\n", &wrong_ns, None, NOW).is_ok());
        assert!(matches!(
            verify::verify(&signers(&format!("a {PUB}")), &none, b"x", "not a signature", None, NOW),
            Err(Problem::Unreadable(_))
        ));
    }

    #[test]
    fn malformed_lines_name_the_line() {
        for bad in [format!("a unknown-opt {PUB}"), "a ssh-ed25519 AAAAnotbase64".to_string(), "alone".to_string()] {
            let e = Signers::parse(&format!("# c\n{bad}\n"), "signers").unwrap_err();
            let msg = format!("{e:#}");
            assert!(msg.starts_with("signers:2: "), "{msg}");
        }
        assert!(Signers::parse(&format!("\"Alice Smith\" {PUB}"), "s").unwrap().lines[0].principals == ["Alice Smith"]);
    }

    #[test]
    fn keys_that_cannot_sign_are_refused_with_the_fix() {
        let msg = |text: &str| format!("{:#}", key::load_text(text, "k").unwrap_err());
        assert!(msg(PUB).contains("is a public key"));
        assert!(
            msg("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n").contains("PEM private key")
        );
        assert!(msg("garbage").contains("not an OpenSSH private key"));
        assert!(!msg("garbage").contains("garbage"));
    }
}
