use crate::state::AppState;
use desk_core::error::ErrorPayload;
use desk_core::model::Item;
use desk_core::ops::HistoryEntry;
use desk_core::query::{ItemPage, ItemQuery};

#[tauri::command]
pub async fn list_items(
    state: tauri::State<'_, AppState>,
    query: ItemQuery,
) -> Result<ItemPage, ErrorPayload> {
    state
        .with_catalog(move |c| c.list_items(&query, super::today()))
        .await
}

#[tauri::command]
pub async fn get_item(state: tauri::State<'_, AppState>, id: String) -> Result<Item, ErrorPayload> {
    state.with_catalog(move |c| c.item(&id)).await
}

#[tauri::command]
pub async fn save_item(
    state: tauri::State<'_, AppState>,
    item: Item,
) -> Result<Item, ErrorPayload> {
    state.with_catalog(move |c| c.save_item(item)).await
}

#[tauri::command]
pub async fn item_history(
    state: tauri::State<'_, AppState>,
    id: String,
) -> Result<Vec<HistoryEntry>, ErrorPayload> {
    state.with_catalog(move |c| c.item_history(&id)).await
}

/// A date as people type it (`2019-03-05`, `20190305`, `2019.3.5`, `2019年3月5日`, full-width
/// digits) read by the domain's one rule: `YYYY-MM-DD`, nothing for empty text, or why not.
#[tauri::command]
pub async fn parse_date(text: String) -> Result<Option<String>, ErrorPayload> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    desk_core::fields::parse_date(&text)
        .map(|date| Some(date.to_string()))
        .map_err(|message| ErrorPayload::new("invalid_date", message))
}
