fn main() {
    yew::Renderer::<kafkascope::components::app::App>::new().render();
}
