//! The `docket` binary: parse, run, exit with the documented code.

mod cli;

/// mimalloc: a query or an import makes and frees millions of small values, where glibc's
/// allocator spends a fifth of the time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::main());
}
