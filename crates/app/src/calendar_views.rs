//! Read-only companions of the calendar for the web pages: the accounts a signed review link's posts go to.

use filrouge_domain::account::Account;

use crate::error::Result;
use crate::reviews::LinkReview;
use crate::App;

impl App {
    /// What the page behind a signed link shows, with the client's accounts (to name each post's targets and their
    /// variants). An unknown, expired or revoked token is "not found", as for [`App::link_review`].
    pub async fn link_review_with_accounts(&self, token: &str) -> Result<(LinkReview, Vec<Account>)> {
        let review = self.link_review(token).await?;
        let mut tx = self.store.read().await?;
        let accounts = tx.accounts_of(review.client.id).await?;
        Ok((review, accounts))
    }
}
