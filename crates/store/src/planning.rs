//! What organises posts in time: campaigns and the weekly posting slots of each account.

use filrouge_domain::ids::{AccountId, CampaignId, ClientId, SlotId};
use filrouge_domain::post::Campaign;
use filrouge_domain::slot::PostingSlot;
use jiff::civil::{Time, Weekday};
use jiff::Timestamp;

use crate::error::{Result, StoreError};
use crate::rows::millis;
use crate::tx::{on_tx, Tx};

impl Tx {
    /// The client's campaign of that name, created if needed.
    pub async fn campaign_named(&mut self, client: ClientId, name: &str, now: Timestamp) -> Result<CampaignId> {
        let sql = "INSERT INTO campaigns (client_id, name, created_at) VALUES ($1, $2, $3)
                   ON CONFLICT (client_id, name) DO NOTHING RETURNING id";
        let id: Option<i64> = on_tx!(self, c => sqlx::query_scalar(sql)
            .bind(client.0).bind(name).bind(millis(now)).fetch_optional(c).await)?;
        if let Some(id) = id {
            return Ok(CampaignId(id));
        }
        let id: i64 = on_tx!(self, c => sqlx::query_scalar("SELECT id FROM campaigns WHERE client_id = $1 AND name = $2")
            .bind(client.0).bind(name).fetch_one(c).await)?;
        Ok(CampaignId(id))
    }

    pub async fn campaigns(&mut self, client: ClientId) -> Result<Vec<Campaign>> {
        let rows: Vec<(i64, String)> = on_tx!(self, c => sqlx::query_as(
            "SELECT id, name FROM campaigns WHERE client_id = $1 ORDER BY name")
            .bind(client.0).fetch_all(c).await)?;
        Ok(rows.into_iter().map(|(id, name)| Campaign { id: CampaignId(id), client_id: client, name }).collect())
    }

    /// Replaces an account's weekly slots.
    pub async fn set_slots(&mut self, account: AccountId, slots: &[(Weekday, Time)]) -> Result<()> {
        on_tx!(self, c => sqlx::query("DELETE FROM posting_slots WHERE account_id = $1")
            .bind(account.0).execute(c).await.map(drop))?;
        for (day, time) in slots {
            let minute = i64::from(time.hour()) * 60 + i64::from(time.minute());
            on_tx!(self, c => sqlx::query(
                "INSERT INTO posting_slots (account_id, weekday, minute) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(account.0).bind(i64::from(day.to_monday_one_offset())).bind(minute)
                .execute(c).await.map(drop))?;
        }
        Ok(())
    }

    /// The slots of every account of a client, by account, weekday and time.
    pub async fn slots(&mut self, client: ClientId) -> Result<Vec<PostingSlot>> {
        let rows: Vec<(i64, i64, i64, i64)> = on_tx!(self, c => sqlx::query_as(
            "SELECT s.id, s.account_id, s.weekday, s.minute FROM posting_slots s
             JOIN accounts a ON a.id = s.account_id WHERE a.client_id = $1
             ORDER BY s.account_id, s.weekday, s.minute")
            .bind(client.0).fetch_all(c).await)?;
        rows.into_iter()
            .map(|(id, account, weekday, minute)| {
                let corrupt = || StoreError::Corrupt(format!("posting_slots {id}: day {weekday} minute {minute}"));
                let weekday = i8::try_from(weekday).ok().and_then(|d| Weekday::from_monday_one_offset(d).ok());
                let time = i8::try_from(minute / 60)
                    .ok()
                    .zip(i8::try_from(minute % 60).ok())
                    .and_then(|(h, m)| Time::new(h, m, 0, 0).ok());
                Ok(PostingSlot {
                    id: SlotId(id),
                    account_id: AccountId(account),
                    weekday: weekday.ok_or_else(corrupt)?,
                    time: time.ok_or_else(corrupt)?,
                })
            })
            .collect()
    }
}
