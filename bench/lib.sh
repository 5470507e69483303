# What the bench scripts share; each sources it after setting $repo.

# Exits with one line when a tool the script needs is missing.
need() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 1; }
    done
}

# Sets $sd to $SOCKDIAG_BIN, or builds the binary the README ships:
# nightly's size build when nightly is there, the stable musl build of the
# same profile otherwise.
sockdiag_bin() {
    if [ -z "${SOCKDIAG_BIN:-}" ]; then
        if rustup run nightly true 2>/dev/null; then
            (cd "$repo" && cargo +nightly -q static)
        else
            (cd "$repo" && cargo build -q --profile release-small -p sockdiag \
                --target x86_64-unknown-linux-musl)
        fi
        SOCKDIAG_BIN=$repo/target/x86_64-unknown-linux-musl/release-small/sockdiag
    fi
    sd=$SOCKDIAG_BIN
}
