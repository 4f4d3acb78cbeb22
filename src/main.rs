fn main() -> std::process::ExitCode {
    keep_large_allocations_out_of_the_heap();
    kene::cli::main()
}

/// glibc raises its mmap threshold after the first large `free`, so from then on every 19 MiB
/// argon2 block comes from the heap, and the heap keeps it resident after the hash is done: a
/// burst of sign-ups left the server at ~600 MB. A fixed threshold (which also turns off the
/// dynamic adjustment) maps every allocation above 128 KiB on its own and unmaps it on free.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn keep_large_allocations_out_of_the_heap() {
    // SAFETY: mallopt only changes allocator parameters; called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn keep_large_allocations_out_of_the_heap() {}
