//! The demo workspace's knowledge base: a few categories and articles, written through
//! `save_article` like the panel's.
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{ArticleInput, Status, db, save_article};

const CATEGORIES: [(&str, &str); 2] = [
    (
        "Orders and refunds",
        "Returns, refunds and where your parcel is.",
    ),
    ("Using the product", "Exports, reports and settings."),
];

/// Category (an index into `CATEGORIES`), title, Markdown body and status.
const ARTICLES: [(usize, &str, &str, Status); 4] = [
    (
        0,
        "How long does a refund take?",
        "Refunds reach your account **5 to 10 working days** after we receive the returned item.\n\n\
         1. Pack the item with its receipt.\n2. Send it to the address on the receipt.\n3. \
         We email you when it arrives.\n\nStill waiting after 10 days? [Write to us](/help/demo/contact).",
        Status::Published,
    ),
    (
        0,
        "Where is my parcel?",
        "Every order email holds a tracking link. Parcels usually arrive within **3 working days**; \
         the carrier's page shows where yours is.",
        Status::Published,
    ),
    (
        1,
        "Exporting a report to CSV",
        "Open the report, choose **Export** and then **CSV**. The file opens in any spreadsheet.\n\n\
         An empty file usually means the report's date range holds no data: widen it and export again.",
        Status::Published,
    ),
    (
        1,
        "Dark mode",
        "Dark mode is planned. This article is a draft until it ships.",
        Status::Draft,
    ),
];

pub async fn seed(
    conn: &mut PgConnection,
    account_id: Uuid,
    author_id: Uuid,
    at: OffsetDateTime,
) -> anyhow::Result<()> {
    let mut category_ids = Vec::new();
    for (name, description) in CATEGORIES {
        category_ids.push(db::insert_category(conn, account_id, name, description).await?);
    }
    for (category, title, body, status) in ARTICLES {
        let input = ArticleInput {
            title: title.to_owned(),
            slug: None,
            category_id: Some(category_ids[category]),
            body: body.to_owned(),
            status,
        };
        if save_article(conn, account_id, author_id, Uuid::now_v7(), &input, at)
            .await?
            .is_err()
        {
            anyhow::bail!("the demo article {title:?} found its slug taken");
        }
    }
    Ok(())
}
