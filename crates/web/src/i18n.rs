//! The interface's words in French and English. Every text exists in both languages or the crate
//! does not compile: a missing translation is a build error, not a blank on screen.

use filrouge_domain::locale::UiLang;

macro_rules! texts {
    ($($key:ident: $fr:expr, $en:expr;)*) => {
        /// Every text of the interface, in one language.
        #[derive(Debug)]
        pub struct Texts { $(pub $key: &'static str,)* }
        pub const FR: Texts = Texts { $($key: $fr,)* };
        pub const EN: Texts = Texts { $($key: $en,)* };
    };
}

pub fn texts(lang: UiLang) -> &'static Texts {
    match lang {
        UiLang::Fr => &FR,
        UiLang::En => &EN,
    }
}

texts! {
    app_name: "Fil Rouge", "Fil Rouge";
    skip_to_content: "Aller au contenu", "Skip to content";
    sign_in: "Se connecter", "Sign in";
    sign_in_title: "Connexion", "Sign in";
    sign_out: "Se déconnecter", "Sign out";
    email: "Adresse e-mail", "E-mail address";
    password: "Mot de passe", "Password";
    wrong_credentials: "Adresse e-mail ou mot de passe incorrect.", "Wrong e-mail address or password.";
    too_many_attempts: "Trop de tentatives. Réessayez dans quelques minutes.", "Too many attempts. Try again in a few minutes.";
    second_factor: "Code de vérification", "Verification code";
    second_factor_help: "Saisissez le code à 6 chiffres de votre application d'authentification.", "Enter the 6-digit code from your authenticator app.";
    wrong_code: "Code incorrect.", "Wrong code.";
    verify: "Vérifier", "Verify";
    clients: "Clients", "Clients";
    all_clients: "Tous les clients", "All clients";
    switch_client: "Changer de client", "Switch client";
    current_client: "Client actuel", "Current client";
    no_clients: "Aucun client pour l'instant.", "No clients yet.";
    new_client: "Nouveau client", "New client";
    create: "Créer", "Create";
    save: "Enregistrer", "Save";
    add: "Ajouter", "Add";
    remove: "Retirer", "Remove";
    delete: "Supprimer", "Delete";
    saved: "Enregistré.", "Saved.";
    archived: "Archivé", "Archived";
    archive: "Archiver", "Archive";
    restore: "Restaurer", "Restore";
    overview: "Aperçu", "Overview";
    settings: "Réglages", "Settings";
    identity: "Identité", "Identity";
    name: "Nom", "Name";
    slug: "Identifiant court", "Short name";
    colour: "Couleur", "Colour";
    time_zone: "Fuseau horaire", "Time zone";
    languages: "Langues", "Languages";
    languages_help: "Codes séparés par des virgules : fr, en, es…", "Comma-separated codes: fr, en, es…";
    brief: "Brief", "Brief";
    activity: "Activité", "Activity";
    location: "Lieu", "Location";
    audience: "Public", "Audience";
    expectations: "Attentes du client", "Client's expectations";
    goals: "Objectifs", "Goals";
    existing_networks: "Réseaux existants", "Existing networks";
    keywords: "Mots-clés", "Keywords";
    one_per_line: "Un par ligne.", "One per line.";
    charter: "Charte éditoriale", "Editorial charter";
    address_form: "Tutoiement ou vouvoiement", "French form of address";
    address_tu: "Tutoiement (tu)", "Informal (tu)";
    address_vous: "Vouvoiement (vous)", "Formal (vous)";
    tone: "Ton et style", "Tone and voice";
    banned: "Mots et expressions interdits", "Banned words and expressions";
    required_hashtags: "Hashtags obligatoires", "Required hashtags";
    signature: "Signature", "Signature";
    max_hashtags: "Nombre maximal de hashtags", "Maximum number of hashtags";
    emoji: "Émojis", "Emoji";
    emoji_none: "Aucun", "None";
    emoji_sparing: "Avec modération", "Sparingly";
    emoji_free: "Libre", "Freely";
    competitors: "Concurrents", "Competitors";
    no_competitors: "Aucun concurrent suivi.", "No competitors watched.";
    handles: "Comptes sociaux", "Social handles";
    sites: "Sites web", "Web sites";
    accounts: "Comptes connectés", "Connected accounts";
    no_accounts: "Aucun compte connecté.", "No connected accounts.";
    network: "Réseau", "Network";
    handle: "Identifiant", "Handle";
    display_name: "Nom affiché", "Display name";
    status: "État", "Status";
    credentials: "Jeton d'accès", "Access token";
    credentials_help: "Stocké chiffré ; jamais réaffiché. Laisser vide pour ne pas le changer.", "Stored encrypted; never shown again. Leave empty to keep it.";
    remove_credentials: "Supprimer le jeton", "Remove the token";
    status_connected: "Connecté", "Connected";
    status_not_connected: "Non connecté", "Not connected";
    status_needs_reconnect: "À reconnecter", "Needs reconnecting";
    status_disabled: "Désactivé", "Disabled";
    members: "Membres", "Members";
    no_members: "Personne n'est membre de ce client.", "Nobody belongs to this client.";
    add_member: "Ajouter un membre", "Add a member";
    journal: "Journal", "Journal";
    journal_empty: "Rien ce jour-là.", "Nothing on that day.";
    day: "Jour", "Day";
    all_actions: "Toutes les actions", "All actions";
    all_people: "Tout le monde", "Everyone";
    filter: "Filtrer", "Filter";
    action: "Action", "Action";
    who: "Qui", "Who";
    when: "Quand", "When";
    what: "Quoi", "What";
    system: "Système", "System";
    add_note: "Ajouter une note", "Add a note";
    note: "Note", "Note";
    previous_day: "Jour précédent", "Previous day";
    next_day: "Jour suivant", "Next day";
    users: "Utilisateurs", "Users";
    new_user: "Nouvel utilisateur", "New user";
    role: "Rôle", "Role";
    role_owner: "Propriétaire", "Owner";
    role_manager: "Responsable", "Manager";
    role_community_manager: "Community manager", "Community manager";
    role_analyst: "Analyste (lecture seule)", "Analyst (read-only)";
    role_client_reviewer: "Validateur client", "Client reviewer";
    disabled: "Désactivé", "Disabled";
    user_clients: "Clients", "Clients";
    profile: "Mon profil", "My profile";
    interface_language: "Langue de l'interface", "Interface language";
    follow_browser: "Celle du navigateur", "Follow the browser";
    change_password: "Changer de mot de passe", "Change password";
    current_password: "Mot de passe actuel", "Current password";
    new_password: "Nouveau mot de passe", "New password";
    password_changed: "Mot de passe changé.", "Password changed.";
    wrong_password: "Mot de passe incorrect.", "Wrong password.";
    two_factor: "Double authentification", "Two-factor authentication";
    two_factor_on: "La double authentification est activée.", "Two-factor authentication is on.";
    two_factor_off: "La double authentification est désactivée.", "Two-factor authentication is off.";
    two_factor_setup: "Activer", "Turn on";
    two_factor_scan: "Scannez ce code avec votre application, puis saisissez le code affiché.", "Scan this code with your app, then enter the code it shows.";
    two_factor_disable: "Désactiver", "Turn off";
    secret_key: "Clé secrète", "Secret key";
    not_found: "Page introuvable.", "Page not found.";
    forbidden: "Vous n'avez pas accès à cette action.", "You are not allowed to do this.";
    error_title: "Erreur", "Error";
    back: "Retour", "Back";
    reviewer_home: "Les publications à valider apparaîtront ici.", "Posts waiting for your approval will appear here.";
    nothing_to_review: "Rien à valider pour l'instant.", "Nothing to review for now.";
    client_home_intro: "Tout ce qui concerne ce client, au même endroit.", "Everything about this client, in one place.";
    menu: "Menu", "Menu";
    language_name_fr: "Français", "French";
    language_name_en: "Anglais", "English";
    search: "Rechercher", "Search";
    pages: "Pages", "Pages";
    previous_page: "Page précédente", "Previous page";
    next_page: "Page suivante", "Next page";
    server_error: "Une erreur est survenue ; elle a été consignée.", "Something went wrong; it has been logged.";
}
