//! The demo's fil rouge: two weeks of posts per client (scheduled, waiting for approval, drafts and ideas), posting
//! slots, and approval policies (the museum approves its posts itself, the osteopath's go through a manager).

use filrouge_app::posts::PostInput;
use filrouge_app::{Actor, App};
use filrouge_domain::client::Charter;
use filrouge_domain::local_time::{resolve, zone, Ambiguity};
use filrouge_domain::permission::Action;
use filrouge_domain::post::{ApprovalPolicy, PostContent, Target};
use jiff::civil::time;
use jiff::ToSpan;

/// (client, texts in the client's voice; hashtags and signature are added from its charter).
const POSTS: [(&str, &[&str]); 5] = [
    (
        "da-marco",
        &[
            "Ciao ! La pizza du mois est arrivée : crème de courge, speck et scamorza fumée. Tu la goûtes quand ?",
            "Mardi soir, c'est soirée calzone : le tiramisu maison est offert. Réserve ta table au 04 78 00 00 00.",
            "Notre pâte repose 48 heures avant d'entrer dans le four à bois. Mamma mia, ça se sent !",
            "Le four est chaud dès 18h30. Sur place ou à emporter, à tout à l'heure !",
        ],
    ),
    (
        "tapis-traditions",
        &[
            "Nouvel arrivage de kilims anatoliens tissés à la main. Venez les découvrir en boutique cette semaine.",
            "Un tapis se lave, se répare et se transmet. Notre atelier de restauration vous accueille sur rendez-vous.",
            "Laine, soie ou coton : nos conseillers vous aident à choisir le tapis qui convient à votre pièce.",
        ],
    ),
    (
        "gaston-fils",
        &[
            "La nouvelle collection de vestes en laine est arrivée. Passez l'essayer en boutique.",
            "Un costume sur mesure se prépare en trois rendez-vous. Réservez le vôtre dès aujourd'hui.",
            "Les chemises en lin sont de retour, en cinq couleurs.",
        ],
    ),
    (
        "osteo-lea-moreau",
        &[
            "Mal de dos après une longue journée assise ? Quelques conseils simples pour votre posture au bureau.",
            "Le cabinet est ouvert le samedi matin sur rendez-vous.",
        ],
    ),
    (
        "musee-du-ruban",
        &[
            "Nocturne jeudi jusqu'à 21 h : visite guidée de l'exposition « Fils d'or » à 19 h.",
            "Atelier de tissage pour les enfants mercredi après-midi, sur inscription.",
            "Le saviez-vous ? Saint-Étienne comptait plus de 20 000 métiers à tisser le ruban en 1900.",
        ],
    ),
];

fn dress(text: &str, charter: &Charter) -> String {
    let mut out = text.to_owned();
    if !charter.required_hashtags.is_empty() {
        out.push(' ');
        out.push_str(&charter.required_hashtags.join(" "));
    }
    if !charter.signature.is_empty() {
        out.push_str("\n— ");
        out.push_str(charter.signature.trim_start_matches(['—', ' ']));
    }
    out
}

pub async fn seed_posts(app: &App, operator: &Actor) -> anyhow::Result<()> {
    for (slug, policy) in [("musee-du-ruban", ApprovalPolicy::Client), ("osteo-lea-moreau", ApprovalPolicy::Internal)] {
        let client = app.client(operator, slug, Action::ViewClient).await?;
        let charter = Charter { approval: policy, ..client.profile.charter };
        app.update_charter(operator, slug, charter).await?;
    }
    for (slug, texts) in POSTS {
        let client = app.client(operator, slug, Action::ViewClient).await?;
        let tz = zone(client.profile.time_zone.as_str())?;
        let accounts = app.post_accounts(operator, slug).await?;
        for account in &accounts {
            app.set_slots(operator, slug, account.id, "mar 12:30\njeu 18:00").await?;
        }
        let targets: Vec<Target> = accounts
            .iter()
            // The demo has no images: leave out the networks that need one.
            .filter(|a| {
                use filrouge_domain::account::Network::{Instagram, Pinterest, Tiktok, Youtube};
                !matches!(a.profile.network, Instagram | Pinterest | Tiktok | Youtube)
            })
            .map(|a| Target { account_id: a.id, text: None, media: None })
            .collect();
        let today = app.now().to_zoned(tz.clone()).date();
        for (i, text) in texts.iter().enumerate() {
            let day = today.checked_add((1 + 3 * i as i64).days())?;
            let at = resolve(
                &tz,
                day,
                if i % 2 == 0 { time(12, 30, 0, 0) } else { time(18, 0, 0, 0) },
                Ambiguity::Compatible,
            )?;
            let content = PostContent {
                text: dress(text, &client.profile.charter),
                targets: targets.clone(),
                labels: vec![if i == 0 { "temps fort".into() } else { "quotidien".into() }],
                ..PostContent::default()
            };
            let id =
                app.create_post(operator, slug, PostInput { content, planned_at: Some(at), campaign: None }).await?;
            // The first ones go as far as the client's policy lets the agency take them; the last stays a draft.
            if i + 1 < texts.len() {
                let result = match app.client(operator, slug, Action::ViewClient).await?.profile.charter.approval {
                    ApprovalPolicy::None => app.schedule_post(operator, slug, id, 1).await,
                    _ => app.submit_post(operator, slug, id, 1).await,
                };
                if let Err(e) = result {
                    tracing::debug!(slug, error = %e, "demo post left as a draft");
                }
            }
        }
        let idea = PostContent {
            text: format!("Idée : les coulisses de {} en vidéo courte.", client.profile.name),
            targets: targets.clone(),
            notes: "À tourner un matin calme ; demander l'accord de l'équipe.".into(),
            client_material: "Photos envoyées par le client le 3 (dossier partagé).".into(),
            ..PostContent::default()
        };
        app.create_post(operator, slug, PostInput { content: idea, planned_at: None, campaign: None }).await?;
    }
    Ok(())
}
