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
