//! `library.admin.v1.AdminService`: settings (librarians only), export files under `files/**`,
//! legacy records with every wrapper type, a client-streaming bulk import and loan purges.

use futures_util::StreamExt as _;
use protogate::{Code, RequestContext, RequestStream, Status};
use protogate_build_rs_test::library::{admin::v1 as admin_pb, v1 as lib};

use crate::store::{day, duration, now, require_admin, Library};

/// The one complete legacy record: every wrapper set, some to their zero value.
const FULL_RECORD: i64 = 42;
/// A sparse legacy record: most wrappers absent.
const SPARSE_RECORD: i64 = 7;

fn export(name: &str, books: &[lib::Book]) -> Option<admin_pb::ExportFile> {
    let (format, content_type, content) = if name.ends_with(".csv") {
        let mut csv = String::from("name,title\n");
        for b in books {
            csv.push_str(&format!("{},{}\n", b.name, b.title));
        }
        (admin_pb::ExportFormat::Csv, "text/csv", csv)
    } else if name.ends_with(".jsonl") {
        let lines: String = books
            .iter()
            .map(|b| format!("{{\"name\":\"{}\"}}\n", b.name))
            .collect();
        (
            admin_pb::ExportFormat::JsonLines,
            "application/jsonl",
            lines,
        )
    } else {
        return None;
    };
    Some(admin_pb::ExportFile {
        name: name.into(),
        format: format as i32,
        content_type: content_type.into(),
        size_bytes: content.len() as i64,
        content: content.into_bytes(),
        create_time: Some(day(2024, 6, 1)),
    })
}

fn legacy_record(id: i64) -> Option<admin_pb::LegacyCatalogRecord> {
    use pbjson_types::*;
    match id {
        FULL_RECORD => Some(admin_pb::LegacyCatalogRecord {
            record_id: id,
            list_price: Some(DoubleValue { value: 12.5 }),
            wear_ratio: Some(FloatValue { value: 0.25 }),
            // Above 2^53: a JSON number would lose it, a JSON string does not.
            legacy_id: Some(Int64Value {
                value: 9_007_199_254_740_993,
            }),
            barcode: Some(UInt64Value { value: u64::MAX }),
            circulation_count: Some(Int32Value { value: 0 }),
            copies_owned: Some(UInt32Value { value: 3 }),
            is_reference: Some(BoolValue { value: false }),
            call_number: Some(StringValue {
                value: "PR6045 .H5".into(),
            }),
            marc_blob: Some(BytesValue {
                value: b"\x00\x01MARC".to_vec().into(),
            }),
            import_time: Some(protogate::wkt::Timestamp {
                seconds: 1_000_000_000,
                nanos: 500_000_000,
            }),
        }),
        SPARSE_RECORD => Some(admin_pb::LegacyCatalogRecord {
            record_id: id,
            call_number: Some(StringValue {
                value: String::new(),
            }),
            ..Default::default()
        }),
        _ => None,
    }
}

impl admin_pb::AdminServiceHandler for Library {
    async fn healthz(
        &self,
        _: &RequestContext,
        _: pbjson_types::Empty,
    ) -> Result<pbjson_types::Empty, Status> {
        Ok(pbjson_types::Empty {})
    }

    async fn get_settings(
        &self,
        _: &RequestContext,
        _: admin_pb::GetSettingsRequest,
    ) -> Result<admin_pb::Settings, Status> {
        let mut settings = self.state()?.settings.clone();
        // INPUT_ONLY: never sent back.
        settings.smtp_password.clear();
        Ok(settings)
    }

    async fn update_settings(
        &self,
        ctx: &RequestContext,
        r: admin_pb::UpdateSettingsRequest,
    ) -> Result<admin_pb::Settings, Status> {
        require_admin(ctx, "change settings")?;
        let patch = r.settings.unwrap_or_default();
        let mut state = self.state()?;
        let current = &mut state.settings;
        match r.update_mask.filter(|m| !m.paths.is_empty()) {
            None => *current = patch,
            Some(mask) => {
                // A mask the server filled from the body (grpc-gateway's PATCH) names nested
                // paths (`branding.theme`) and output-only fields: each path updates its
                // top-level field, and output-only fields are left as they are (AIP-134).
                for path in &mask.paths {
                    let field = path.split('.').next().unwrap_or_default();
                    match field {
                        "library_name" | "libraryName" => {
                            current.library_name = patch.library_name.clone()
                        }
                        "branding" => current.branding = patch.branding.clone(),
                        "default_sort_key" | "defaultSortKey" => {
                            current.default_sort_key = patch.default_sort_key.clone()
                        }
                        "allowed_origins" | "allowedOrigins" => {
                            current.allowed_origins = patch.allowed_origins.clone()
                        }
                        "payment_provider" | "paymentProvider" => {
                            current.payment_provider = patch.payment_provider.clone()
                        }
                        "feature_flags" | "featureFlags" => {
                            current.feature_flags = patch.feature_flags.clone()
                        }
                        "retention_period" | "retentionPeriod" | "retain_forever"
                        | "retainForever" => current.retention = patch.retention,
                        "smtp_password" | "smtpPassword" => {
                            current.smtp_password = patch.smtp_password.clone()
                        }
                        "default_loan_period" | "defaultLoanPeriod" => {
                            current.default_loan_period = patch.default_loan_period
                        }
                        "featured_genres" | "featuredGenres" => {
                            current.featured_genres = patch.featured_genres.clone()
                        }
                        "update_time" | "updateTime" => {}
                        other => {
                            return Err(Status::invalid_argument(format!(
                                "`{other}` cannot be updated"
                            )))
                        }
                    }
                }
            }
        }
        current.update_time = Some(now());
        let mut out = current.clone();
        out.smtp_password.clear();
        Ok(out)
    }

    async fn get_export_file(
        &self,
        _: &RequestContext,
        r: admin_pb::GetExportFileRequest,
    ) -> Result<admin_pb::ExportFile, Status> {
        let books: Vec<lib::Book> = self.state()?.books.values().cloned().collect();
        export(&r.name, &books)
            .ok_or_else(|| Status::not_found(format!("export file `{}` does not exist", r.name)))
    }

    async fn get_legacy_record(
        &self,
        _: &RequestContext,
        r: admin_pb::GetLegacyRecordRequest,
    ) -> Result<admin_pb::LegacyCatalogRecord, Status> {
        legacy_record(r.record_id).ok_or_else(|| {
            Status::not_found(format!("legacy record {} does not exist", r.record_id))
        })
    }

    async fn bulk_import_books(
        &self,
        _: &RequestContext,
        mut requests: RequestStream<admin_pb::BulkImportBooksRequest>,
    ) -> Result<admin_pb::BulkImportSummary, Status> {
        let mut summary = admin_pb::BulkImportSummary {
            elapsed: Some(duration(0)),
            ..Default::default()
        };
        let mut index = 0;
        while let Some(item) = requests.next().await {
            let failure = match item {
                // An invalid message fails alone; the import goes on.
                Err(status) if status.code() == Code::InvalidArgument => {
                    Some(status.message().to_string())
                }
                Err(status) => return Err(status),
                Ok(r) => {
                    let mut state = self.state()?;
                    let mut book = r.book.unwrap_or_default();
                    let id = book.name.rsplit('/').next().unwrap_or_default().to_string();
                    book.name = format!("shelves/{}/books/{id}", r.shelf);
                    if let Err(status) = state.shelf(&r.shelf) {
                        Some(status.message().to_string())
                    } else if id.is_empty() || state.books.contains_key(&book.name) {
                        Some(format!("book `{}` already exists", book.name))
                    } else {
                        book.create_time = Some(now());
                        state.books.insert(book.name.clone(), book);
                        summary.imported_count += 1;
                        None
                    }
                }
            };
            if let Some(message) = failure {
                summary
                    .failures
                    .push(admin_pb::bulk_import_summary::Failure {
                        index,
                        message,
                        details: vec![],
                    });
            }
            index += 1;
        }
        Ok(summary)
    }

    async fn purge_loans(
        &self,
        ctx: &RequestContext,
        r: admin_pb::PurgeLoansRequest,
    ) -> Result<admin_pb::PurgeLoansResponse, Status> {
        require_admin(ctx, "purge loans")?;
        let mut state = self.state()?;
        let names: Vec<String> = state
            .loans
            .values()
            .filter(|l| r.states.contains(&l.state))
            .map(|l| l.name.clone())
            .collect();
        if !r.dry_run {
            for name in &names {
                state.loans.remove(name);
            }
        }
        Ok(admin_pb::PurgeLoansResponse {
            purged_count: names.len() as i64,
            purged_loan_names: names,
        })
    }
}
