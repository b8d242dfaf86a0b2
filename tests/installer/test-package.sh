#!/usr/bin/env bash
# tst_package: builds the .deb with CPack from a finished build tree, unpacks
# it into a scratch root and runs Switchyard from there.
#
#   tests/installer/test-package.sh BUILD_DIR CPACK [GUI=ON|OFF]
#
# Checks, each failing with what is wrong and where:
#  1. `cpack -G DEB` makes exactly one switchyard_<version>-1_<arch>.deb;
#  2. its control fields: Package, Version (the project's), Maintainer,
#     Description, and Depends naming the Qt plugins no ELF header shows;
#  3. every package in Depends and Recommends is a real package here: installed,
#     or with an apt candidate (`apt-cache policy`); and `apt-get install
#     --simulate ./the.deb` resolves (when apt-get is there);
#  4. every shared library the binaries link directly (DT_NEEDED) comes from a
#     package that Depends names, and no binary carries an RPATH/RUNPATH into
#     the build tree;
#  5. the files a desktop and a DBA expect are there: both executables, the
#     desktop entry (desktop-file-validate), the icon, the AppStream metadata
#     (appstreamcli validate --no-net), the man pages (man -l renders them
#     without warnings; switchyard-cli.1 documents every command that
#     `switchyard-cli --help` lists), the sample plans, the docs;
#  6. the unpacked switchyard-cli --version prints the project version and
#     `plan check` accepts the installed sample plan; the unpacked cockpit
#     prints its version and stays up for 4 s offscreen with a plan open.
# shellcheck disable=SC2015 # `check && pass || fail`: pass never fails
set -euo pipefail

build_dir=$(cd "${1:?usage: test-package.sh BUILD_DIR CPACK [GUI]}" && pwd -P)
cpack=${2:?usage: test-package.sh BUILD_DIR CPACK [GUI]}
gui=${3:-ON}

failures=0
pass() { printf 'PASS   %s\n' "$*"; }
fail() {
    printf 'FAIL!  %s\n' "$*"
    failures=$((failures + 1))
}
die() {
    printf 'FAIL!  %s\n' "$*"
    exit 1
}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/switchyard-package.XXXXXX")
trap 'rm -rf -- "$scratch"' EXIT
root=$scratch/root

version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build_dir/CPackConfig.cmake")
[[ -n $version ]] || die "no CPACK_PACKAGE_VERSION in $build_dir/CPackConfig.cmake: was the project configured?"

# --- 1. the package ------------------------------------------------------------

t0=$(date +%s)
if ! (cd "$build_dir" && "$cpack" -G DEB -B "$scratch/out") >"$scratch/cpack.log" 2>&1; then
    cat "$scratch/cpack.log"
    die "cpack -G DEB failed in $build_dir (log above)"
fi
shopt -s nullglob
debs=("$scratch/out"/switchyard_*.deb)
shopt -u nullglob
((${#debs[@]} == 1)) || die "expected one switchyard_*.deb from cpack, found ${#debs[@]} in $scratch/out"
deb=${debs[0]}
arch=$(dpkg --print-architecture)
[[ $(basename "$deb") == "switchyard_${version}-1_${arch}.deb" ]] &&
    pass "cpack made $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB) in $(($(date +%s) - t0)) s" ||
    fail "package file name $(basename "$deb"), expected switchyard_${version}-1_${arch}.deb"

# --- 2. control fields ----------------------------------------------------------

field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == switchyard ]] && pass "Package: switchyard" || fail "Package is '$(field Package)'"
[[ $(field Version) == "$version-1" ]] && pass "Version: $version-1" || fail "Version is '$(field Version)', expected $version-1"
[[ $(field Maintainer) == *@* ]] && pass "Maintainer: $(field Maintainer)" || fail "no Maintainer e-mail"
[[ $(field Description | wc -l) -ge 3 ]] && pass "Description has a summary and a long text" ||
    fail "Description too short: $(field Description)"
depends=$(field Depends)
recommends=$(field Recommends)
printf '       Depends: %s\n       Recommends: %s\n' "$depends" "$recommends"
expected_plugins=(libqt6sql6-sqlite libqt6sql6-psql)
[[ $gui == ON ]] && expected_plugins+=(qt6-qpa-plugins libqt6svg6)
for p in "${expected_plugins[@]}" libpqxx-6.4 libmariadb3 libqt6core6; do
    if grep -Eq "(^|, )$p( |,|$)" <<<"$depends"; then
        pass "Depends names $p"
    else
        fail "Depends lacks $p"
    fi
done

# --- 3. the dependencies are real packages --------------------------------------

# Package names of a Depends-style field, alternatives included, versions dropped.
names_of() { tr ',|' '\n' <<<"$1" | sed 's/(.*)//; s/:any//' | awk 'NF { print $1 }' | sort -u; }
resolvable() {
    local p=$1 candidate
    if dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii'; then
        echo installed
        return 0
    fi
    candidate=$(apt-cache policy "$p" 2>/dev/null | sed -n 's/^ *Candidate: //p')
    [[ -n $candidate && $candidate != '(none)' ]] && echo "apt candidate $candidate"
}
for p in $(names_of "$depends"); do
    if how=$(resolvable "$p"); then
        pass "dependency $p: $how"
    else
        fail "dependency $p is neither installed nor known to apt (apt-cache policy $p): not a Debian package name?"
    fi
done
# A Recommends alternative must resolve through one of its names.
IFS=',' read -ra groups <<<"$recommends"
for g in "${groups[@]}"; do
    ok=
    for p in $(names_of "$g"); do
        how=$(resolvable "$p") && ok="$p: $how" && break
    done
    [[ -n $ok ]] && pass "recommendation ${g# } resolves ($ok)" || fail "recommendation '${g# }' names no known package"
done
if command -v apt-get >/dev/null; then
    if apt-get install --simulate --no-install-recommends "$deb" >"$scratch/apt.log" 2>&1; then
        pass "apt-get install --simulate ./$(basename "$deb") resolves every dependency"
    else
        sed 's/^/       /' "$scratch/apt.log"
        fail "apt-get install --simulate ./$(basename "$deb") fails (above)"
    fi
fi

# --- 4. unpack; linked libraries and run paths ----------------------------------

dpkg-deb -x "$deb" "$root" || die "dpkg-deb -x $deb failed"
bins=("$root/usr/bin/switchyard-cli")
[[ $gui == ON ]] && bins+=("$root/usr/bin/switchyard")
dep_names=$(names_of "$depends")
for bin in "${bins[@]}"; do
    name=${bin#"$root"}
    [[ -x $bin ]] || {
        fail "$name is missing or not executable"
        continue
    }
    if readelf -d "$bin" | grep -Eq 'RPATH|RUNPATH'; then
        fail "$name carries a run path: $(readelf -d "$bin" | grep -E 'RPATH|RUNPATH')"
    else
        pass "$name has no RPATH/RUNPATH (nothing points into the build tree)"
    fi
    missing=()
    while read -r lib; do
        # "libfoo.so.1 => /path (0x…)", or "/lib64/ld-linux-x86-64.so.2 (0x…)"
        # awk reads to the end (no early exit): ldd killed by SIGPIPE would
        # fail the pipeline, and set -e with it, on a loaded machine.
        path=$(ldd "$bin" | awk -v l="$lib" '!found && $1 == l && $3 ~ /^\// { print $3; found = 1 }
                                              !found && $1 ~ /^\// && substr($1, length($1) - length(l)) == "/" l { print $1; found = 1 }')
        [[ -n $path ]] || {
            missing+=("$lib (not found by ldd)")
            continue
        }
        pkg=
        for candidate in "$path" "$(realpath "$path")" "${path#/usr}" "/usr$path"; do
            pkg=$(dpkg-query -S "$candidate" 2>/dev/null | head -n1 | cut -d: -f1) && [[ -n $pkg ]] && break
        done
        if [[ -z $pkg ]]; then
            missing+=("$lib ($path belongs to no package)")
        elif ! grep -qx "$pkg" <<<"$dep_names"; then
            missing+=("$lib (from $pkg, which Depends does not name)")
        fi
    done < <(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
    if ((${#missing[@]} == 0)); then
        pass "$name: every directly linked library comes from a package in Depends"
    else
        fail "$name links libraries Depends does not cover: ${missing[*]}"
    fi
done

# --- 5. the installed files -----------------------------------------------------

expect=(usr/share/man/man1/switchyard-cli.1.gz usr/share/doc/switchyard/README.md
    usr/share/doc/switchyard/plan-format.md)
if [[ $gui == ON ]]; then
    expect+=(usr/share/applications/switchyard.desktop
        usr/share/icons/hicolor/scalable/apps/switchyard.svg
        usr/share/metainfo/io.github.switchyard.Switchyard.metainfo.xml
        usr/share/man/man1/switchyard.1.gz
        usr/share/switchyard/plans/users-dual-write.yaml)
fi
for f in "${expect[@]}"; do
    [[ -s $root/$f ]] && pass "/$f" || fail "/$f is missing from the package"
done

if [[ $gui == ON ]]; then
    if command -v desktop-file-validate >/dev/null; then
        out=$(desktop-file-validate "$root/usr/share/applications/switchyard.desktop" 2>&1) &&
            [[ -z $out ]] && pass "desktop-file-validate: clean" || fail "desktop-file-validate: $out"
    else
        printf 'SKIP   desktop-file-validate is not installed (apt-get install desktop-file-utils)\n'
    fi
    exec_name=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$root/usr/share/applications/switchyard.desktop")
    [[ -x $root/usr/bin/$exec_name ]] && pass "the desktop entry runs /usr/bin/$exec_name" ||
        fail "the desktop entry's Exec=$exec_name is not in /usr/bin"
    if command -v appstreamcli >/dev/null; then
        if out=$(appstreamcli validate --no-net "$root/usr/share/metainfo/io.github.switchyard.Switchyard.metainfo.xml" 2>&1); then
            pass "appstreamcli validate --no-net: $(tail -n1 <<<"$out")"
        else
            fail "appstreamcli validate --no-net: $out"
        fi
        grep -q "<release version=\"$version\"" "$root/usr/share/metainfo/io.github.switchyard.Switchyard.metainfo.xml" &&
            pass "the AppStream metadata lists release $version" || fail "the AppStream metadata has no release $version"
    else
        printf 'SKIP   appstreamcli is not installed (apt-get install appstream)\n'
    fi
fi

for page in "$root"/usr/share/man/man1/*.1.gz; do
    # man -l with warnings on: groff reports bad requests and unknown macros.
    warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null) || warnings+=" (man failed)"
    [[ -z $warnings ]] && pass "man -l $(basename "$page"): renders without warnings" ||
        fail "man -l $(basename "$page"): $warnings"
done
cli=$root/usr/bin/switchyard-cli
man_text=$(MANWIDTH=200 man -l "$root/usr/share/man/man1/switchyard-cli.1.gz" 2>/dev/null)
commands=$("$cli" --help | awk '!done && /^Commands:/ { on = 1; next } on && NF == 0 { on = 0; done = 1 } on { print $1 }')
[[ -n $commands ]] || fail "switchyard-cli --help lists no commands"
for c in $commands; do
    grep -Eq "^   $c\$" <<<"$man_text" && grep -q "switchyard-cli $c" <<<"$man_text" &&
        pass "switchyard-cli.1 documents '$c' with its usage" || fail "switchyard-cli.1 lacks the command '$c'"
done

# --- 6. run what was unpacked ------------------------------------------------------

export HOME=$scratch/home XDG_DATA_HOME=$scratch/home/.local/share XDG_CONFIG_HOME=$scratch/home/.config
export XDG_RUNTIME_DIR=$scratch/run
mkdir -m 700 "$HOME" "$XDG_RUNTIME_DIR"
out=$("$cli" --version 2>&1) && [[ $out == "switchyard-cli $version" ]] &&
    pass "installed switchyard-cli --version: $out" || fail "installed switchyard-cli --version printed '$out'"

plan=$root/usr/share/switchyard/plans/users-dual-write.yaml
if [[ -f $plan ]]; then
    out=$("$cli" plan check "$plan" 2>&1) && pass "installed switchyard-cli plan check on the installed sample plan" ||
        fail "switchyard-cli plan check $plan: $out"
fi

if [[ $gui == ON ]]; then
    app=$root/usr/bin/switchyard
    out=$(QT_QPA_PLATFORM=offscreen "$app" --version 2>&1) && [[ $out == *"$version"* ]] &&
        pass "installed switchyard --version (offscreen): $out" || fail "installed switchyard --version printed '$out'"
    # The sample plan with ports nothing listens on, so the cockpit opens it
    # without reaching any server this machine may run.
    sed -e 's/^\(  port: \)[0-9]*/\11/' "$plan" >"$scratch/plan.yaml"
    rc=0
    QT_QPA_PLATFORM=offscreen timeout -s TERM 4 "$app" "$scratch/plan.yaml" >"$scratch/gui.log" 2>&1 || rc=$?
    if ((rc == 124)); then
        pass "installed switchyard ran 4 s offscreen with a plan open (stopped by the test)"
    else
        sed 's/^/       /' "$scratch/gui.log"
        fail "installed switchyard exited with status $rc within 4 s offscreen (output above)"
    fi
fi

if ((failures)); then
    printf '%d check(s) failed\n' "$failures"
    exit 1
fi
printf 'all checks passed\n'
