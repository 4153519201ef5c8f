//! Diagnostics reported like compiler errors: file, line, column, both values, a hint.

use std::fmt;

/// A position in a schema file (1-based line and column).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Location {
    /// The file as the user named it (a path on disk, or the proto name for descriptor sets).
    pub file: String,
    /// 1-based line; 0 when unknown.
    pub line: u32,
    /// 1-based column; 0 when unknown.
    pub column: u32,
}

impl Location {
    /// A location.
    pub fn new(file: impl Into<String>, line: u32, column: u32) -> Location {
        Location {
            file: file.into(),
            line,
            column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}", self.file),
            (l, 0) => write!(f, "{}:{l}", self.file),
            (l, c) => write!(f, "{}:{l}:{c}", self.file),
        }
    }
}

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation goes on; the user should look.
    Warning,
    /// Generation stops.
    Error,
}

/// One finding about the schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A short machine-readable kind, e.g. `openapi-missing-operation`.
    pub code: &'static str,
    /// What is wrong, naming both values where two sources disagree.
    pub message: String,
    /// Where it is.
    pub location: Location,
    /// The other side of a disagreement (e.g. the OpenAPI line for a proto field).
    pub related: Vec<(Location, String)>,
    /// How to fix it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at `location`.
    pub fn error(code: &'static str, location: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            location,
            related: Vec::new(),
            hint: None,
        }
    }

    /// A warning at `location`.
    pub fn warning(
        code: &'static str,
        location: Location,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, location, message)
        }
    }

    /// Adds the other side of a disagreement.
    pub fn related(mut self, location: Location, note: impl Into<String>) -> Diagnostic {
        self.related.push((location, note.into()));
        self
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// Whether this stops generation.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{level}[{}]: {}", self.code, self.message)?;
        write!(f, "  --> {}", self.location)?;
        for (location, note) in &self.related {
            write!(f, "\n  --> {location}: {note}")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  = hint: {hint}")?;
        }
        Ok(())
    }
}

/// Diagnostics, errors first when displayed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds one.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Whether any is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// The errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }

    /// The warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| !d.is_error())
    }

    /// Sorted by file and line, for stable output.
    pub fn sorted(mut self) -> Diagnostics {
        self.0.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.location.cmp(&b.location))
                .then_with(|| a.code.cmp(b.code))
        });
        self
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            writeln!(f, "{d}")?;
        }
        let errors = self.errors().count();
        let warnings = self.warnings().count();
        if errors > 0 {
            write!(f, "{errors} error(s), {warnings} warning(s)")?;
        }
        Ok(())
    }
}
