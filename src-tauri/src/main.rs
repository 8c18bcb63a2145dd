// The desktop entry point; phones enter through `waymark_app::run` as well.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    waymark_app::run();
}
