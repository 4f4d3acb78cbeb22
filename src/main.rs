fn main() -> std::process::ExitCode {
    kene::cli::main()
}
