//! The `docket` binary: parse, run, exit with the documented code.

mod cli;

fn main() {
    std::process::exit(cli::main());
}
