//! The pages, one module per screen; each handler asks the application layer and renders.

pub mod accounts;
pub mod auth;
pub mod calendar;
pub mod clients;
pub mod competitors;
pub mod import;
pub mod inbox;
pub mod inbox_settings;
pub mod journal;
pub mod layout;
pub mod media;
pub mod members;
pub mod mentions;
pub mod notifications;
pub mod oauth;
pub mod posts;
pub mod profile;
pub mod publishing;
pub mod queries;
pub mod review;
pub mod settings;
pub mod sources;
pub mod statics;
pub mod users;

/// Splits a textarea into trimmed non-empty lines.
pub(crate) fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// The first value of a field in a form given as pairs.
pub(crate) fn field<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

/// Every value of a repeated field.
pub(crate) fn all<'a>(form: &'a [(String, String)], name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    form.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// After a form: back to `back` with "saved", or with the reason when the input was refused.
/// Refusals of access (404, 403) and failures stay errors.
pub(crate) fn after_change<T>(
    state: &crate::WebState,
    ctx: &crate::context::Ctx,
    back: &str,
    result: Result<T, filrouge_app::AppError>,
) -> crate::error::WebResult {
    use crate::context::{redirect_with_flash, Flash};
    use filrouge_app::AppError;
    match result {
        Ok(_) => Ok(redirect_with_flash(state, back, Flash::Ok(ctx.t().saved.into()))),
        Err(AppError::Invalid(i)) => Ok(redirect_with_flash(state, back, Flash::Error(i.to_string()))),
        Err(AppError::Conflict(c) | AppError::Remote(c)) => Ok(redirect_with_flash(state, back, Flash::Error(c))),
        Err(e) => Err(e.into()),
    }
}
