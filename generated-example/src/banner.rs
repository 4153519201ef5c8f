//! What `serve` prints on start: where it listens, the demo user's token, and commands to
//! paste that walk through set phone → read the code → verify → get phone.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::Path;

/// The demo user created on `serve`.
pub const DEMO_USER: &str = "demo";
/// The demo user's organisation.
pub const DEMO_ORG: &str = "demo-org";
/// The number the walkthrough sets.
pub const DEMO_PHONE: &str = "+41 79 123 45 67";

/// What the walkthrough needs to know.
pub struct Banner<'a> {
    /// The bound address.
    pub addr: SocketAddr,
    /// The demo user's token.
    pub token: &'a str,
    /// The database, for people.
    pub database: &'a str,
    /// How to run this binary's `outbox` against the same state.
    pub outbox_command: String,
    /// The proto files, for `buf curl --schema`.
    pub schema_dir: &'a Path,
}

/// The command that prints the outbox of the server started with these settings.
pub fn outbox_command(exe: &Path, data_dir: &Path, custom_database: bool) -> String {
    let prefix = if custom_database {
        "DATABASE_URL=… "
    } else {
        ""
    };
    format!(
        "{prefix}{} outbox --data-dir {}",
        shell_quote(&exe.display().to_string()),
        shell_quote(&data_dir.display().to_string())
    )
}

fn shell_quote(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/-._=:,+@%".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

impl Banner<'_> {
    /// The text.
    pub fn render(&self) -> String {
        let base = format!("http://{}", self.addr);
        let rest = format!("{base}/auth/v1/users/me/phone");
        let auth = "-H \"authorization: Bearer $TOKEN\"";
        let json = "-H 'content-type: application/json'";
        let schema = shell_quote(&self.schema_dir.display().to_string());
        let rpc = format!("{base}/zitadel.auth.v1.AuthService");
        let mut out = String::new();
        let mut line = |text: String| {
            let _ = writeln!(out, "{text}");
        };
        line(format!(
            "verify-phone listening on {base} (REST under /auth/v1, gRPC, gRPC-Web and Connect)"
        ));
        line(format!("state: {}", self.database));
        line(format!(
            "reference: {base}/docs (a try-it form per method), OpenAPI document: {base}/openapi.json"
        ));
        line(String::new());
        line(format!(
            "Demo user `{DEMO_USER}` of organisation `{DEMO_ORG}`; its bearer token (24 h):"
        ));
        line(String::new());
        line(format!("  export TOKEN={}", self.token));
        line(String::new());
        line("1. Set the phone number; the server \"sends\" a code by SMS:".into());
        line(format!(
            "  curl -sS -w '\\n' -X PUT {rest} {auth} {json} -d '{{\"phone\":\"{DEMO_PHONE}\"}}'"
        ));
        line("2. Read the code from the outbox (the SMS the server sent):".into());
        line(format!(
            "  CODE=$({} | tail -n 1 | awk '{{print $NF}}'); echo $CODE",
            self.outbox_command
        ));
        line("3. Verify the phone with the code:".into());
        line(format!(
            "  curl -sS -w '\\n' -X POST {rest}/_verify {auth} {json} -d \"{{\\\"code\\\":\\\"$CODE\\\"}}\""
        ));
        line("4. Get the phone; it is verified now:".into());
        line(format!("  curl -sS -w '\\n' {rest} {auth}"));
        line(String::new());
        line("The same over gRPC and gRPC-Web with buf curl (npx @bufbuild/buf curl …):".into());
        line(format!(
            "  buf curl --schema {schema} --protocol grpc --http2-prior-knowledge {auth} -d '{{\"phone\":\"{DEMO_PHONE}\"}}' {rpc}/SetMyPhone"
        ));
        line(format!(
            "  CODE=$({} | tail -n 1 | awk '{{print $NF}}'); echo $CODE",
            self.outbox_command
        ));
        line(format!(
            "  buf curl --schema {schema} --protocol grpcweb {auth} -d \"{{\\\"code\\\":\\\"$CODE\\\"}}\" {rpc}/VerifyMyPhone"
        ));
        line(format!(
            "  buf curl --schema {schema} --protocol grpc --http2-prior-knowledge {auth} {rpc}/GetMyPhone"
        ));
        line(String::new());
        line("Stop with Ctrl-C; state is kept for the next start.".into());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_walkthrough_names_every_step_with_the_real_address() {
        let text = Banner {
            addr: "127.0.0.1:9999".parse().expect("addr"),
            token: "t.o.k",
            database: "SQLite /x/verify-phone.db",
            outbox_command: outbox_command(Path::new("/bin/verify-phone"), Path::new("/x"), false),
            schema_dir: Path::new("/src/schemas/proto"),
        }
        .render();
        assert!(text.starts_with("verify-phone listening on http://127.0.0.1:9999 "));
        assert!(text.contains("export TOKEN=t.o.k\n"));
        assert!(text.contains("reference: http://127.0.0.1:9999/docs "));
        assert!(text.contains("http://127.0.0.1:9999/openapi.json"));
        assert!(
            text.contains("curl -sS -w '\\n' -X PUT http://127.0.0.1:9999/auth/v1/users/me/phone ")
        );
        assert!(text.contains("/bin/verify-phone outbox --data-dir /x | tail -n 1"));
        assert!(text.contains("--protocol grpcweb"));
        assert!(text.contains("http://127.0.0.1:9999/zitadel.auth.v1.AuthService/GetMyPhone"));
    }

    #[test]
    fn odd_paths_are_quoted_for_the_shell() {
        assert_eq!(shell_quote("/a/b"), "/a/b");
        assert_eq!(shell_quote("/a b/it's"), r"'/a b/it'\''s'");
    }
}
