//! `filrouge user add|passwd|list`, run by the operator with the owner's rights.

use std::io::{BufRead, IsTerminal};

use anyhow::Context;
use filrouge_app::config::Config;
use filrouge_app::users::NewUserInput;
use filrouge_app::Actor;
use filrouge_domain::locale::UiLang;
use filrouge_domain::permission::Action;
use filrouge_domain::user::Role;

use super::UsageError;
use crate::cli::UserCommand;
use crate::runtime;

/// The password from FILROUGE_PASSWORD, else asked (hidden) on a terminal, else one line of
/// standard input.
pub fn read_password(prompt: &str) -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("FILROUGE_PASSWORD") {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password(prompt).context("reading the password");
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("reading the password from standard input")?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

pub async fn run(config: Config, cmd: UserCommand) -> anyhow::Result<()> {
    let app = runtime::open_app(&config).await?;
    let operator = Actor::operator();
    match cmd {
        UserCommand::Add { email, name, role, clients, lang } => {
            let role = Role::parse(&role).map_err(|e| UsageError(format!("--role: {}", e.reason)))?;
            let ui_lang = match lang {
                Some(l) => {
                    Some(UiLang::parse(&l).ok_or_else(|| UsageError(format!("--lang: '{l}' is neither fr nor en")))?)
                }
                None => None,
            };
            let mut ids = Vec::new();
            for slug in &clients {
                let client = app
                    .client(&operator, slug, Action::ViewClient)
                    .await
                    .map_err(|_| UsageError(format!("--client: no client with the short name '{slug}'")))?;
                ids.push(client.id);
            }
            let password = read_password("Password: ")?;
            let id = app
                .create_user(
                    &operator,
                    NewUserInput { email: email.clone(), name, role, password, ui_lang, clients: ids },
                )
                .await?;
            println!("user {email} created (id {id})");
        }
        UserCommand::Passwd { email } => {
            let password = read_password("New password: ")?;
            app.set_password(&operator, &email, &password).await?;
            println!("password of {email} changed; their sessions were ended");
        }
        UserCommand::List { json } => {
            let users = app.users(&operator).await?;
            let clients = app.visible_clients(&operator).await?;
            let slug_of =
                |id| clients.iter().find(|c| c.id == id).map(|c| c.profile.slug.to_string()).unwrap_or_default();
            for u in users {
                let slugs: Vec<String> = u.clients.iter().map(|c| slug_of(*c)).collect();
                if json {
                    let line = serde_json::json!({
                        "id": u.user.id, "email": u.user.email.as_str(), "name": u.user.name, "role": u.user.role.as_str(),
                        "disabled": u.user.disabled, "totp": u.user.totp_enabled, "clients": slugs,
                    });
                    println!("{line}");
                } else {
                    println!(
                        "{:<32} {:<24} {:<18} {}{}",
                        u.user.email.as_str(),
                        u.user.name,
                        u.user.role.as_str(),
                        slugs.join(","),
                        if u.user.disabled { " (disabled)" } else { "" }
                    );
                }
            }
        }
    }
    app.store().close().await;
    Ok(())
}
