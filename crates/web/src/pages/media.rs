//! Media in the composer: uploading files into the client's library and attaching them, shrinking a copy to fit a
//! network, removing an attachment, the buttons of an account's own selection of media (each re-renders the composer
//! with everything typed, nothing saved), serving a
//! file of the library, and the link preview. Reading multipart bodies (uploads, CSV import) lives here too.

use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{header, HeaderValue};
use axum::response::IntoResponse;
use axum::Form;
use filrouge_app::AppError;
use filrouge_domain::account::Network;
use filrouge_domain::ids::{MediaId, PostId};
use filrouge_domain::permission::Action;
use maud::html;

use crate::context::SignedIn;
use crate::error::{WebError, WebResult};
use crate::i18n::Texts;
use crate::pages::field;
use crate::pages::posts::{composer_page, Values};
use crate::WebState;

/// What a multipart form carries beside its files (text fields), at most.
pub(crate) const MAX_MULTIPART_FIELDS_BYTES: usize = crate::csrf::MAX_FORM_BYTES;
/// The body limit of the upload route: one file of the library's largest size, and the composer's fields.
pub const MAX_UPLOAD_BODY_BYTES: usize = filrouge_app::media::MAX_MEDIA_BYTES + MAX_MULTIPART_FIELDS_BYTES;

pub(crate) fn human(bytes: usize) -> String {
    filrouge_compose::human_bytes(u64::try_from(bytes).unwrap_or(u64::MAX))
}

/// A file of a multipart form.
#[derive(Debug)]
pub(crate) struct UploadedFile {
    pub field: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A multipart form: its text fields (as a urlencoded form would give them), its files, and the files refused for
/// their size (with the message naming the limit).
#[derive(Debug, Default)]
pub(crate) struct Upload {
    pub fields: Vec<(String, String)>,
    pub files: Vec<UploadedFile>,
    pub refused: Vec<String>,
}

/// A broken or oversized body; the message names the per-file limit, which is what people choose files by.
fn multipart_error(e: axum::extract::multipart::MultipartError, t: &Texts, max_file: usize) -> WebError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        WebError::TooLarge(format!("{} {}", t.upload_body_over, human(max_file)))
    } else {
        WebError::Invalid(e.body_text())
    }
}

/// How much a multipart form may carry: each file, the text fields together, the whole body (the route's limit).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub file: usize,
    pub fields: usize,
    pub body: usize,
}

/// Reads a multipart form: a file over `limits.file` is read, dropped and named in `refused`; text fields over
/// `limits.fields` together, or a body over `limits.body`, end the request. Call it after the access check.
pub(crate) async fn read_multipart(state: &WebState, t: &Texts, req: Request, limits: Limits) -> WebResult<Upload> {
    let Limits { file: max_file, fields: max_fields, body: body_limit } = limits;
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > u64::try_from(body_limit).unwrap_or(u64::MAX)) {
        return Err(WebError::TooLarge(format!("{} {}", t.upload_body_over, human(max_file))));
    }
    let mut multipart = axum::extract::Multipart::from_request(req, state)
        .await
        .map_err(|_| WebError::Invalid(t.form_with_files.to_owned()))?;
    let mut upload = Upload::default();
    let mut text_bytes = 0usize;
    while let Some(mut part) = multipart.next_field().await.map_err(|e| multipart_error(e, t, max_file))? {
        let name = part.name().unwrap_or_default().to_owned();
        let file_name = part.file_name().map(str::to_owned);
        let mut bytes = Vec::new();
        let mut too_large = false;
        while let Some(chunk) = part.chunk().await.map_err(|e| multipart_error(e, t, max_file))? {
            match &file_name {
                Some(_) if bytes.len() + chunk.len() > max_file => too_large = true,
                Some(_) => bytes.extend_from_slice(&chunk),
                None => {
                    text_bytes += chunk.len();
                    if text_bytes > max_fields {
                        return Err(WebError::TooLarge(format!("{} {}", t.upload_body_over, human(max_fields))));
                    }
                    bytes.extend_from_slice(&chunk);
                }
            }
            if too_large {
                bytes = Vec::new(); // the rest of this file is read and dropped
            }
        }
        match file_name {
            Some(file_name) if too_large => {
                upload.refused.push(format!("{file_name} {} {}", t.upload_over, human(max_file)))
            }
            // A file field left empty sends no name and no bytes.
            Some(file_name) if file_name.is_empty() && bytes.is_empty() => {}
            Some(file_name) => upload.files.push(UploadedFile { field: name, file_name, bytes }),
            None => upload.fields.push((name, String::from_utf8_lossy(&bytes).into_owned())),
        }
    }
    Ok(upload)
}

/// The post being edited, when the composer edits one.
fn post_of(form: &[(String, String)]) -> Option<PostId> {
    field(form, "post").trim().parse().ok().map(PostId)
}

/// Adds the uploaded files to the client's library and attaches them to the post being written; the composer comes
/// back with everything typed and the new attachments (nothing is saved until the user saves).
pub async fn attach(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    req: Request,
) -> WebResult {
    // Access first: a refused user learns nothing from reading the body.
    let client = state.app.client(&signed.actor, &slug, Action::WritePosts).await?;
    let t = signed.ctx.t();
    let limits =
        Limits { file: state.max_upload_bytes, fields: MAX_MULTIPART_FIELDS_BYTES, body: MAX_UPLOAD_BODY_BYTES };
    let upload = read_multipart(&state, t, req, limits).await?;
    let mut v = Values::from_form(&upload.fields);
    let mut errors = upload.refused;
    for file in upload.files.into_iter().filter(|f| f.field == "files") {
        match state.app.add_media(&signed.actor, &slug, &file.file_name, file.bytes).await {
            Ok(id) => v.media.push((id, String::new())),
            Err(AppError::Invalid(i)) => errors.push(i.reason),
            Err(AppError::Remote(r)) => errors.push(r),
            Err(e) => return Err(e.into()),
        }
    }
    let error = (!errors.is_empty()).then(|| errors.join(" · "));
    composer_page(&state, &signed, &client, &v, post_of(&upload.fields), error.as_deref()).await
}

/// Replaces an attachment by a copy shrunk to fit a network (`fit` = `position:network`).
pub async fn fit(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> WebResult {
    let client = state.app.client(&signed.actor, &slug, Action::WritePosts).await?;
    let t = signed.ctx.t();
    let mut v = Values::from_form(&form);
    let wanted = field(&form, "fit").split_once(':').and_then(|(i, n)| {
        let i: usize = i.trim().parse().ok()?;
        Some((i, Network::parse(n).ok()?)).filter(|_| i < v.media.len())
    });
    let error = match wanted {
        None => Some("fit: expected an attachment and a network".to_owned()),
        Some((i, network)) => {
            let id = v.media.get(i).map_or(MediaId(0), |m| m.0);
            match state.app.fit_media(&signed.actor, &slug, id, network).await {
                Ok(new) if new == id => Some(t.already_fits.to_owned()),
                Ok(new) => {
                    if let Some(m) = v.media.get_mut(i) {
                        m.0 = new;
                    }
                    None
                }
                Err(AppError::Invalid(i)) => Some(i.reason),
                Err(AppError::Remote(r)) => Some(r),
                Err(e) => return Err(e.into()),
            }
        }
    };
    composer_page(&state, &signed, &client, &v, post_of(&form), error.as_deref()).await
}

/// Takes an attachment off the post being written (the file stays in the library).
pub async fn remove(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> WebResult {
    recompose(&state, &signed, &slug, &form, |v, form| {
        if let Ok(i) = field(form, "remove").trim().parse::<usize>() {
            if i < v.media.len() {
                v.media.remove(i);
            }
        }
    })
    .await
}

/// The buttons of an account's own selection of media: add the file chosen in its list, move one up, take one off
/// (the file stays in the library). Like the others, the composer comes back with everything typed, nothing saved.
pub async fn variant(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> WebResult {
    recompose(&state, &signed, &slug, &form, |v, form| v.apply_variant_button(form)).await
}

/// The composer again with what was typed, changed by `edit`, nothing saved (the buttons that rearrange media).
async fn recompose(
    state: &WebState,
    signed: &SignedIn,
    slug: &str,
    form: &[(String, String)],
    edit: impl FnOnce(&mut Values, &[(String, String)]),
) -> WebResult {
    let client = state.app.client(&signed.actor, slug, Action::WritePosts).await?;
    let mut v = Values::from_form(form);
    edit(&mut v, form);
    composer_page(state, signed, &client, &v, post_of(form), None).await
}

/// A file of the client's library, as stored: its type from its bytes, never sniffed, shown inline.
pub async fn file(State(state): State<WebState>, signed: SignedIn, Path((slug, id)): Path<(String, i64)>) -> WebResult {
    let (mime, bytes) = state.app.media_bytes(&signed.actor, &slug, MediaId(id)).await?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    let mime = HeaderValue::from_str(&mime).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, mime);
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("inline"));
    // A library file never changes under its id.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=86400"));
    Ok(response)
}

#[derive(serde::Deserialize)]
pub struct LinkQuery {
    #[serde(default)]
    url: String,
}

/// The card of an `https://` link of the draft, as text: the remote image is named, never loaded (an htmx
/// fragment). Refusals (internal address, timeout, no page) are shown as a message.
pub async fn link_card(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Query(q): Query<LinkQuery>,
) -> WebResult {
    state.app.client(&signed.actor, &slug, Action::WritePosts).await?;
    let t = signed.ctx.t();
    let url = q.url.trim();
    if !url.starts_with("https://") {
        return Ok(html! { p.flash.error role="alert" { (t.no_link) } }.into_response());
    }
    let markup = match state.app.link_card(&signed.actor, &slug, url).await {
        Ok(Some(card)) => html! {
            dl.link-card data-testid="link-card" {
                dt { (t.link_title) } dd { strong { (card.title) } }
                @if let Some(d) = &card.description { dt { (t.link_description) } dd { (d) } }
                dt { "URL" } dd { code { (card.url) } }
                @if let Some(image) = &card.image_url { dt { (t.link_image) } dd { code { (image) } } }
            }
        },
        Ok(None) => html! { p { (t.link_no_card) } },
        Err(AppError::Invalid(i)) => html! { p.flash.error role="alert" { (i.to_string()) } },
        Err(AppError::Remote(r)) => html! { p.flash.error role="alert" { (r) } },
        Err(e) => return Err(e.into()),
    };
    Ok(markup.into_response())
}
