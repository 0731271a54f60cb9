//! The tables side by side: every database table an application writes, each under the report's
//! verdict for it (exactly once, at least once …), with how the application writes it and the rows
//! it holds — the plain writer's duplicate rows next to the three fixes' tables, after the same
//! faults. Shown in place of the scene when a scenario writes four tables or more (the scene would
//! have to shrink its labels to hold them all); a button switches between the two.
//!
//! Like the outcome line, it reads the engine's report (verdicts and figures) and the engine's
//! view of the tables (rows, duplicates marked); nothing is judged here.

use crate::components::outcome_line::delivery_text;
use crate::i18n::{t, Lang, Text};
use crate::scene_model::SceneModel;
use kafkascope_engine::report::WriteStyle;
use yew::prelude::*;

/// Scenarios writing at least this many tables open on the tables side by side.
pub const TABLES_FOR_SIDE_BY_SIDE: usize = 4;

pub fn style_text(style: WriteStyle) -> Text {
    match style {
        WriteStyle::Insert => Text::StyleInsert,
        WriteStyle::InsertUniqueKey => Text::StyleInsertUniqueKey,
        WriteStyle::Upsert => Text::StyleUpsert,
        WriteStyle::OffsetsInDatabase => Text::StyleOffsetsInDatabase,
        WriteStyle::ConnectSinkInsert => Text::StyleConnectSinkInsert,
        WriteStyle::ConnectSinkUpsert => Text::StyleConnectSinkUpsert,
    }
}

fn sink_style(style: WriteStyle) -> bool {
    matches!(
        style,
        WriteStyle::ConnectSinkInsert | WriteStyle::ConnectSinkUpsert
    )
}

#[derive(Properties, PartialEq)]
pub struct TablesProps {
    pub model: std::rc::Rc<SceneModel>,
}

#[function_component(TablesSideBySide)]
pub fn tables_side_by_side(props: &TablesProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let report = &props.model.report;
    html! {
        // The database as a whole (a lesson step highlights `database-1`).
        <div class="tables-side-by-side node" data-testid="tables-side-by-side"
            data-node={props.model.databases.first().map(|d| d.node.to_string())}>
            { for report.tables.iter().map(|table| {
                let drawn = props.model.databases.iter()
                    .flat_map(|d| d.tables.iter())
                    .find(|t| t.name == table.table);
                html! {
                    <section class="table-card" data-table={table.table.clone()}>
                        <p class={classes!("verdict", table.delivery.name())}>
                            <b data-verdict={table.delivery.name()}>{ t(lang, delivery_text(table.delivery)) }</b>
                        </p>
                        <h3>{ table.table.clone() }</h3>
                        <p class="style" data-style={table.style.name()}>{ t(lang, style_text(table.style)) }</p>
                        <p class="writers">
                            // A sink's card names the processors feeding its topic too.
                            { for props.model.consumers.iter().filter(|c| c.group == table.group
                                || (sink_style(table.style) && c.transform_output.is_some())).map(|c| html! {
                                // Which process writes it, and whether it runs: the same facts the
                                // scene's consumer boxes show.
                                <span class={classes!("node", "writer-state", (!c.up).then_some("down"))}
                                    data-node={c.node.to_string()} data-up={c.up.to_string()}>
                                    { match &c.sink {
                                        Some(sink) => t(lang, Text::SinkTaskTitle).replace("{w}", &sink.worker.to_string()),
                                        None => format!("{} {}", t(lang, Text::Consumer), c.node.number()),
                                    } }
                                    { format!(" · {}", t(lang, if c.up { Text::Running } else { Text::Killed })) }
                                </span>
                            }) }
                        </p>
                        <p class="card-figures">
                            { format!("{} {} · {} {}", t(lang, Text::LineRows), table.rows,
                                t(lang, Text::LineDuplicateRows), table.duplicate_rows) }
                            if table.refused_writes > 0 {
                                { format!(" · {} {}", t(lang, Text::LineRefusedWrites), table.refused_writes) }
                            }
                        </p>
                        if let Some(drawn) = drawn {
                            <ol class="card-rows">
                                if drawn.hidden > 0 {
                                    <li class="hidden-rows">{ format!("+{}", drawn.hidden) }</li>
                                }
                                { for drawn.rows.iter().map(|line| html! {
                                    <li class={classes!(line.row.duplicate.then_some("duplicate"))}
                                        data-key={line.row.key.clone()} data-duplicate={line.row.duplicate.to_string()}>
                                        <span class="key">{ line.row.key.clone() }</span>
                                        <span class="writer">{ format!("#{}", line.row.incarnation + 1) }</span>
                                        if line.row.duplicate {
                                            <span class="twice">{ t(lang, Text::DuplicateRow) }</span>
                                        }
                                    </li>
                                }) }
                            </ol>
                        }
                    </section>
                }
            }) }
        </div>
    }
}
