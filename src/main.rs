fn main() {
    kafkascope::frame_stats::mark_load_stage("wasm-started");
    // The built-in scenario the address names is fetched first (`scenarios::builtin`), so the
    // first render opens it.
    let named = kafkascope::session::builtin_in_address();
    kafkascope::scenarios::when_builtin_ready(named.as_deref(), || {
        kafkascope::frame_stats::mark_load_stage("scenario-ready");
        yew::Renderer::<kafkascope::components::app::App>::new().render();
    });
}
