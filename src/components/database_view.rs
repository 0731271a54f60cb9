//! The database in the scene: each table with its rows as they are written, a row's key and the
//! consumer instance that wrote it; a row written again for the same record is marked a
//! duplicate (red, "×2"), a table with a unique key says so in its header. A click crashes the
//! database, or restarts it if crashed (so do Enter and Space when it has the keyboard's focus).

use crate::components::scene::{on_click, on_key, toggle_label};
use crate::components::scene_detail::{n, SceneDetail, TITLE_UNITS};
use crate::i18n::{t, Lang, Text};
use crate::scene_model::database::{DatabaseBox, ROW_H};
use kafkascope_engine::Action;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DatabaseProps {
    pub database: DatabaseBox,
    /// How much the scene draws (`scene_detail`).
    pub detail: SceneDetail,
    pub on_fault: Callback<Action>,
}

#[function_component(DatabaseView)]
pub fn database_view(props: &DatabaseProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let detail = props.detail;
    let d = &props.database;
    let r = &d.rect;
    let toggle = if d.up {
        Action::CrashDatabase { database: d.node }
    } else {
        Action::RestartDatabase { database: d.node }
    };
    let label = toggle_label(lang, Text::Database, d.node, d.up, Text::CrashAction);
    html! {
        <g class={classes!("clickable", "node", "database", "database-box", (!d.up).then_some("down"), d.dim.then_some("dim"))}
            data-node={d.node.to_string()} data-up={d.up.to_string()}
            role="button" tabindex="0" aria-label={label}
            onclick={on_click(&props.on_fault, toggle.clone())}
            onkeydown={on_key(&props.on_fault, toggle)}>
            <rect x={n(r.x)} y={n(r.y)} width={n(r.w)} height={n(r.h)} rx="10" />
            { detail.title("node-title", TITLE_UNITS, (r.x + 12.0, r.y + 23.0), r.w - 24.0, t(lang, Text::Database).to_string()) }
            { for d.tables.iter().map(|table| html! {
                <g class="db-table" data-table={table.name.clone()}>
                    <text class="db-table-name" x={n(r.x + 12.0)} y={n(table.y + 17.0)}>
                        { format!("{}{}", table.name, if table.unique_key { t(lang, Text::UniqueKeySuffix) } else { "" }) }
                        if table.hidden > 0 {
                            <tspan class="db-hidden">{ format!("  +{}", table.hidden) }</tspan>
                        }
                    </text>
                    { for table.rows.iter().map(|line| {
                        let row = &line.row;
                        // "Consumer 2 #1" (or a sink task's "Worker 1 · task #1"): which consumer,
                        // and which instance of its process.
                        let writer = match line.worker {
                            Some(w) => format!(
                                "{} #{}",
                                t(lang, Text::SinkTaskTitle).replace("{w}", &w.to_string()),
                                row.incarnation + 1
                            ),
                            None => format!(
                                "{} {} #{}",
                                t(lang, Text::Consumer),
                                row.writer.number(),
                                row.incarnation + 1
                            ),
                        };
                        let right = r.x + r.w - 14.0;
                        html! {
                            <g class={classes!("db-row", row.duplicate.then_some("duplicate"))}
                                data-key={row.key.clone()} data-duplicate={row.duplicate.to_string()}>
                                <rect x={n(r.x + 8.0)} y={n(line.y + 1.0)} width={n(r.w - 16.0)} height={n(ROW_H - 2.0)} rx="3" />
                                <text x={n(r.x + 14.0)} y={n(line.y + 14.0)}>
                                    // A bookkeeping row (a partition's stored offset) shows its value.
                                    { if row.record.is_none() { format!("{} = {}", row.key, row.value) } else { row.key.clone() } }
                                    <tspan class="db-writer" dx="8">{ writer }</tspan>
                                </text>
                                if row.duplicate {
                                    <text class="db-duplicate" x={n(right)} y={n(line.y + 14.0)} text-anchor="end">{ t(lang, Text::DuplicateRow) }</text>
                                }
                                <title>{ format!("{} = {}", row.key, row.value) }</title>
                            </g>
                        }
                    }) }
                </g>
            }) }
        </g>
    }
}
