//! Clients, their competitors and memberships.

use filrouge_domain::client::{
    Client, ClientProfile, ClientSummary, Colour, Competitor, CompetitorProfile, TimeZoneName,
};
use filrouge_domain::ids::{ClientId, CompetitorId, Slug, UserId};
use filrouge_domain::locale::Lang;
use jiff::Timestamp;

use crate::error::Result;
use crate::rows::{from_json, millis, parsed, to_json};
use crate::tx::{on_tx, Tx};

#[derive(sqlx::FromRow)]
struct ClientRow {
    id: i64,
    slug: String,
    name: String,
    colour: String,
    time_zone: String,
    languages: String,
    brief: String,
    charter: String,
    archived: bool,
}

impl ClientRow {
    fn into_client(self) -> Result<Client> {
        let mut languages = Vec::new();
        for code in self.languages.split(',').filter(|c| !c.is_empty()) {
            languages.push(parsed("clients.languages", Lang::parse(code))?);
        }
        Ok(Client {
            id: ClientId(self.id),
            archived: self.archived,
            profile: ClientProfile {
                slug: parsed("clients.slug", Slug::parse(&self.slug))?,
                name: self.name,
                colour: parsed("clients.colour", Colour::parse(&self.colour))?,
                time_zone: parsed("clients.time_zone", TimeZoneName::parse(&self.time_zone))?,
                languages,
                brief: from_json("clients.brief", &self.brief)?,
                charter: from_json("clients.charter", &self.charter)?,
            },
        })
    }
}

const CLIENT_COLUMNS: &str = "c.id, c.slug, c.name, c.colour, c.time_zone, c.languages, c.brief, c.charter, c.archived";

fn languages_column(profile: &ClientProfile) -> String {
    profile.languages.iter().map(|l| l.code()).collect::<Vec<_>>().join(",")
}

#[derive(sqlx::FromRow)]
struct CompetitorRow {
    id: i64,
    client_id: i64,
    name: String,
    handles: String,
    sites: String,
}

impl Tx {
    pub async fn insert_client(&mut self, profile: &ClientProfile, now: Timestamp) -> Result<ClientId> {
        let sql = "INSERT INTO clients (slug, name, colour, time_zone, languages, brief, charter, archived, created_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE, $8) RETURNING id";
        let (brief, charter) = (to_json(&profile.brief)?, to_json(&profile.charter)?);
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(sql)
            .bind(profile.slug.as_str()).bind(&profile.name).bind(profile.colour.as_str())
            .bind(profile.time_zone.as_str()).bind(languages_column(profile)).bind(&brief).bind(&charter)
            .bind(millis(now)).fetch_one(c).await)?;
        Ok(ClientId(id))
    }

    /// Replaces everything of a client's profile but its identity.
    pub async fn update_client(&mut self, id: ClientId, profile: &ClientProfile) -> Result<bool> {
        let sql = "UPDATE clients SET slug = $1, name = $2, colour = $3, time_zone = $4, languages = $5, brief = $6, charter = $7
                   WHERE id = $8";
        let (brief, charter) = (to_json(&profile.brief)?, to_json(&profile.charter)?);
        let done = on_tx!(self, c => sqlx::query(sql)
            .bind(profile.slug.as_str()).bind(&profile.name).bind(profile.colour.as_str())
            .bind(profile.time_zone.as_str()).bind(languages_column(profile)).bind(&brief).bind(&charter)
            .bind(id.0).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    pub async fn set_client_archived(&mut self, id: ClientId, archived: bool) -> Result<bool> {
        let sql = "UPDATE clients SET archived = $1 WHERE id = $2";
        let done =
            on_tx!(self, c => sqlx::query(sql).bind(archived).bind(id.0).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    pub async fn client_by_slug(&mut self, slug: &str) -> Result<Option<Client>> {
        let sql = format!("SELECT {CLIENT_COLUMNS} FROM clients c WHERE c.slug = $1");
        let row: Option<ClientRow> = on_tx!(self, c => sqlx::query_as(&sql).bind(slug).fetch_optional(c).await)?;
        row.map(ClientRow::into_client).transpose()
    }

    pub async fn client_by_id(&mut self, id: ClientId) -> Result<Option<Client>> {
        let sql = format!("SELECT {CLIENT_COLUMNS} FROM clients c WHERE c.id = $1");
        let row: Option<ClientRow> = on_tx!(self, c => sqlx::query_as(&sql).bind(id.0).fetch_optional(c).await)?;
        row.map(ClientRow::into_client).transpose()
    }

    /// Every client, by name.
    pub async fn all_clients(&mut self) -> Result<Vec<Client>> {
        let sql = format!("SELECT {CLIENT_COLUMNS} FROM clients c ORDER BY c.name, c.id");
        let rows: Vec<ClientRow> = on_tx!(self, c => sqlx::query_as(&sql).fetch_all(c).await)?;
        rows.into_iter().map(ClientRow::into_client).collect()
    }

    /// The clients a user belongs to, by name.
    pub async fn clients_of_user(&mut self, user: UserId) -> Result<Vec<Client>> {
        let sql = format!(
            "SELECT {CLIENT_COLUMNS} FROM clients c JOIN memberships m ON m.client_id = c.id
             WHERE m.user_id = $1 ORDER BY c.name, c.id"
        );
        let rows: Vec<ClientRow> = on_tx!(self, c => sqlx::query_as(&sql).bind(user.0).fetch_all(c).await)?;
        rows.into_iter().map(ClientRow::into_client).collect()
    }

    /// Summaries of the clients a user may see: every client (`user` = `None`) or those they belong
    /// to; by name, archived last.
    pub async fn client_summaries(&mut self, user: Option<UserId>) -> Result<Vec<ClientSummary>> {
        let sql = "SELECT c.id, c.slug, c.name, c.colour, c.archived FROM clients c
                   WHERE $1 IS NULL OR c.id IN (SELECT client_id FROM memberships WHERE user_id = $1)
                   ORDER BY c.archived, c.name, c.id";
        let rows: Vec<(i64, String, String, String, bool)> =
            on_tx!(self, c => sqlx::query_as(sql).bind(user.map(|u| u.0)).fetch_all(c).await)?;
        rows.into_iter()
            .map(|(id, slug, name, colour, archived)| {
                Ok(ClientSummary {
                    id: ClientId(id),
                    slug: parsed("clients.slug", Slug::parse(&slug))?,
                    name,
                    colour: parsed("clients.colour", Colour::parse(&colour))?,
                    archived,
                })
            })
            .collect()
    }

    pub async fn memberships_of(&mut self, user: UserId) -> Result<Vec<ClientId>> {
        let sql = "SELECT client_id FROM memberships WHERE user_id = $1 ORDER BY client_id";
        let ids: Vec<i64> = on_tx!(self, c => sqlx::query_scalar(sql).bind(user.0).fetch_all(c).await)?;
        Ok(ids.into_iter().map(ClientId).collect())
    }

    pub async fn member_ids_of_client(&mut self, client: ClientId) -> Result<Vec<UserId>> {
        let sql = "SELECT user_id FROM memberships WHERE client_id = $1 ORDER BY user_id";
        let ids: Vec<i64> = on_tx!(self, c => sqlx::query_scalar(sql).bind(client.0).fetch_all(c).await)?;
        Ok(ids.into_iter().map(UserId).collect())
    }

    /// Adds a membership; returns false when it already existed.
    pub async fn add_membership(&mut self, user: UserId, client: ClientId) -> Result<bool> {
        let sql = "INSERT INTO memberships (user_id, client_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
        let n = on_tx!(self, c => sqlx::query(sql).bind(user.0).bind(client.0).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn remove_membership(&mut self, user: UserId, client: ClientId) -> Result<bool> {
        let sql = "DELETE FROM memberships WHERE user_id = $1 AND client_id = $2";
        let n = on_tx!(self, c => sqlx::query(sql).bind(user.0).bind(client.0).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn competitors_of(&mut self, client: ClientId) -> Result<Vec<Competitor>> {
        let sql =
            "SELECT id, client_id, name, handles, sites FROM competitors WHERE client_id = $1 ORDER BY position, id";
        let rows: Vec<CompetitorRow> = on_tx!(self, c => sqlx::query_as(sql).bind(client.0).fetch_all(c).await)?;
        rows.into_iter()
            .map(|r| {
                Ok(Competitor {
                    id: CompetitorId(r.id),
                    client_id: ClientId(r.client_id),
                    profile: CompetitorProfile {
                        name: r.name,
                        handles: from_json("competitors.handles", &r.handles)?,
                        sites: from_json("competitors.sites", &r.sites)?,
                    },
                })
            })
            .collect()
    }

    pub async fn insert_competitor(&mut self, client: ClientId, profile: &CompetitorProfile) -> Result<CompetitorId> {
        let sql = "INSERT INTO competitors (client_id, name, handles, sites, position)
                   VALUES ($1, $2, $3, $4, (SELECT COALESCE(MAX(position), 0) + 1 FROM competitors WHERE client_id = $1))
                   RETURNING id";
        let (handles, sites) = (to_json(&profile.handles)?, to_json(&profile.sites)?);
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(sql)
            .bind(client.0).bind(&profile.name).bind(&handles).bind(&sites).fetch_one(c).await)?;
        Ok(CompetitorId(id))
    }

    /// Deletes a competitor of this client; false when there was none (or it belongs to another).
    pub async fn delete_competitor(&mut self, client: ClientId, id: CompetitorId) -> Result<bool> {
        let sql = "DELETE FROM competitors WHERE id = $1 AND client_id = $2";
        let n =
            on_tx!(self, c => sqlx::query(sql).bind(id.0).bind(client.0).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
