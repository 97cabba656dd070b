#!/usr/bin/python3
"""Drives the running ecrscope window through its accessibility tree.

AccessKit exposes egui's widgets over AT-SPI; this finds buttons, entries and
table rows by their accessible names, as a screen reader would, and acts on
them (the AT-SPI "click" action, else a click at the node's centre with
xdotool). Each scenario prints PASS or FAIL with what it saw.

Usage: a11y.py SCENARIO [ARGS...]   (run inside the app's D-Bus session)
"""

import subprocess
import sys
import time

import pyatspi


def app(name="ecrscope", timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        desktop = pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            a = desktop.getChildAtIndex(i)
            if a is not None and a.name == name:
                return a
        time.sleep(0.3)
    fail(f"no accessible application named {name!r}")


def nodes(root):
    """Every node under root, breadth first."""
    queue = [root]
    while queue:
        n = queue.pop(0)
        if n is None:
            continue
        yield n
        try:
            queue.extend(n.getChildAtIndex(i) for i in range(n.childCount))
        except Exception:  # a node that went away while walking
            continue


def find(role, name, timeout=15, exact=True, within=False):
    """The first node with this role name and accessible name (or prefix,
    or, `within`, a name that holds it as a word)."""
    end = time.time() + timeout
    while time.time() < end:
        for n in nodes(app()):
            try:
                if n.getRoleName() != role:
                    continue
                label = n.name or ""
                words = label.replace(",", " ").split()
                if (
                    label == name
                    or (not exact and label.startswith(name))
                    or (within and name in words)
                ):
                    return n
            except Exception:
                continue
        time.sleep(0.3)
    return None


def names(role):
    out = []
    for n in nodes(app()):
        try:
            if n.getRoleName() == role:
                out.append(n.name)
        except Exception:
            continue
    return out


def click(node):
    # A widget behind a closing dialog stays disabled for a frame or two.
    end = time.time() + 5
    while time.time() < end:
        try:
            if node.getState().contains(pyatspi.STATE_ENABLED):
                break
        except Exception:
            break
        time.sleep(0.1)
    try:
        action = node.queryAction()
        for i in range(action.nActions):
            if action.getName(i) in ("click", "press", "activate"):
                action.doAction(i)
                return
    except NotImplementedError:
        pass
    ext = node.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
    x, y = ext.x + ext.width // 2, ext.y + ext.height // 2
    subprocess.run(["xdotool", "mousemove", str(x), str(y), "click", "1"], check=True)


def any_named(text):
    """Whether some node's name holds `text` (nodes that go away while the
    tree is walked are skipped, as in `find`)."""
    for n in nodes(app()):
        try:
            if text in (n.name or ""):
                return True
        except Exception:
            continue
    return False


def entry_text(node):
    """The text an entry holds, read through AT-SPI (None when the node
    does not expose its text)."""
    try:
        t = node.queryText()
        return t.getText(0, t.characterCount)
    except Exception:
        return None


def all_names():
    """Every node's name, skipping nodes that go away while the tree is walked
    (named apart from `names(role)`, which `need` uses)."""
    out = []
    for n in nodes(app()):
        try:
            if n.name:
                out.append(n.name)
        except Exception:
            continue
    return out


def pointer(node):
    """A real pointer click at the node's centre."""
    ext = node.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
    x, y = ext.x + ext.width // 2, ext.y + ext.height // 2
    subprocess.run(["xdotool", "mousemove", str(x), str(y), "click", "1"], check=True)


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def need(role, name, what, timeout=15, exact=True, within=False):
    n = find(role, name, timeout=timeout, exact=exact, within=within)
    if n is None:
        fail(f"{what}: no {role} {name!r}; {role}s seen: {names(role)[:30]}")
    return n


def listed(*repos):
    """The repositories seeded with the aws CLI are rows, by name."""
    for r in repos:
        need("table row", f"Repository {r}", "repository listed")
    print(f"PASS listed: {', '.join(repos)} are rows of the repository table")


def tags(repo, *expected):
    """Open a repository by its row; its images are rows named by their tags."""
    click(need("table row", f"Repository {repo}", "repository row"))
    for t in expected:
        need("table row", t, f"image tagged {t}", within=True)
    print(f"PASS tags: {repo} shows images tagged {', '.join(expected)}")


def immutable(repo):
    """Flip tag immutability in the repository's settings dialog."""
    click(need("push button", f"Tag mutability of {repo}: Mutable", "mutability cell"))
    radio = need("radio button", "Immutable", "Immutable choice", exact=False)
    click(radio)
    time.sleep(0.5)
    click(need("push button", "Apply", "Apply", exact=False))
    need("push button", f"Tag mutability of {repo}: Immutable", "the table follows", timeout=20)
    # Rows behind the dialog are disabled until it closes, as for a person.
    click(need("push button", "Close", "the dialog's Close"))
    print(f"PASS immutable: {repo} flipped in the dialog; the table says Immutable")


def findings(repo, tag, finding):
    """Open an image's findings; a finding injected into moto is listed."""
    row = find("table row", f"Repository {repo}", timeout=3)
    if row is not None:
        click(row)
    click(need("table row", tag, f"image {tag}", within=True))
    click(need("push button", "Findings", "Findings button"))
    need("label", finding, f"finding {finding}", timeout=20, exact=False)
    print(f"PASS findings: {repo}:{tag} lists {finding}")


def open_demo_repo(repo):
    """Select the demo registry in the sidebar and open `repo` (skipped when
    its images are already rows)."""
    demo = None
    end = time.time() + 15
    while demo is None and time.time() < end:
        for n in nodes(app()):
            try:
                if (n.name or "").startswith("Registry demo us-east-1"):
                    demo = n
                    break
            except Exception:
                continue
    if demo is None:
        fail("no registry named 'Registry demo us-east-1' in the sidebar")
    click(demo)
    # The repository's images may already be the rows (the view stays on
    # the repository last opened): then there is no repository row.
    row = find("table row", f"Repository {repo}", timeout=5)
    if row is not None:
        click(row)
    elif not any((n or "").startswith("Image ") for n in names("table row")):
        fail(f"neither the repository {repo} nor its images are rows; rows: {names('table row')[:10]}")


def open_copy_dialog(tag):
    """Select the image tagged `tag` and open "Copy to…" for it; the dialog
    must name that image (a click on a stale details pane could open it for
    the row selected before). The dialog's body can reach the accessibility
    tree seconds after its first field on a loaded machine (a clean CI run
    once saw none of it within 5 s): it is waited for, and the dialog opened
    again once if it never names the image."""
    def names_the_image():
        return any(f"({tag}" in n or f", {tag}" in n
                   for n in all_names() if "sha256:" in n or "(" in n)
    for attempt in (1, 2):
        row = need("table row", tag, f"the image tagged {tag}", within=True)
        click(row)
        end = time.time() + 15
        while time.time() < end:
            button = find("push button", "Copy to…", timeout=2)
            if button is not None:
                click(button)
            if find("combo box", "Target registry", timeout=2) is not None:
                break
            click(row)
        else:
            fail(f"'Copy to…' for {tag} never opened the copy dialog")
        end = time.time() + 15
        while not names_the_image() and time.time() < end:
            time.sleep(0.3)
        if names_the_image():
            return
        said = [n for n in all_names() if "(" in n][:8]
        close_dialog()
        time.sleep(1)
        if attempt == 2:
            fail(f"the copy dialog is not about the image tagged {tag}: it says {said}")
        print(f"note: the copy dialog did not name {tag} (it said {said}); opening it again")


def close_dialog():
    b = find("push button", "Cancel", timeout=1)
    if b is not None:
        click(b)


def pick_moto_target():
    click(need("combo box", "Target registry", "target registry list"))
    time.sleep(0.5)
    option = None
    end = time.time() + 10
    while option is None and time.time() < end:
        for n in nodes(app()):
            try:
                if n.getRoleName() in ("push button", "toggle button") and "account" in (n.name or "") \
                        and not (n.name or "").startswith("demo registry"):
                    option = n
                    break
            except Exception:
                continue
    if option is None:
        seen = []
        for n in nodes(app()):
            try:
                if "account" in (n.name or ""):
                    seen.append((n.getRoleName(), n.name))
            except Exception:
                continue
        fail(f"no target registry other than the demo; nodes naming an account: {seen}")
    # A pointer click: it picks the option and closes the list (the AT-SPI
    # action picks it and leaves the list open over the form).
    pointer(option)
    time.sleep(0.5)


def type_into(label, text):
    """Types `text` into the entry named `label`, replacing what it held,
    and reads it back."""
    # A pointer click gives the field the keyboard.
    pointer(need("entry", label, f"the field {label}"))
    time.sleep(0.3)
    # No window manager under Xvfb: give the window the X input focus, or
    # typed keys go nowhere.
    subprocess.run(["xdotool", "search", "--name", "^ecrscope$", "windowfocus", "--sync"], check=False)
    pointer(need("entry", label, f"the field {label}"))
    time.sleep(0.3)
    # Typed keys can be lost while the window takes the X focus: read the
    # field back (AT-SPI text) and type again, up to three times.
    typed = ""
    for _ in range(3):
        subprocess.run(["xdotool", "key", "ctrl+a"], check=True)
        subprocess.run(["xdotool", "type", "--delay", "20", text], check=True)
        time.sleep(0.3)
        typed = entry_text(need("entry", label, f"the field {label}"))
        if typed is None or typed == text:
            break
        pointer(need("entry", label, f"the field {label}"))
        time.sleep(0.3)
    return typed


def wait_for_verdict(expect, typed, shot):
    """The dialog asks the target what each tag would do there; Copy waits
    for the answer."""
    end = time.time() + 20
    while not any_named(expect) and time.time() < end:
        time.sleep(0.3)
    if not any_named(expect):
        if shot:
            subprocess.run(["import", "-window", "root", shot], check=False)
        said = [n for n in all_names() if any(w in n for w in ("target", "Target", "tag", "Could not"))]
        fail(f"the copy dialog never said {expect!r} "
             f"(field holds {typed!r}; the dialog says {said[:12]}; screenshot {shot})")


def wait_for_copy_end():
    """The dialog closes; the status bar says "Copying to …" until the copy
    ends (the notice is a toast, painted, not in the tree)."""
    end = time.time() + 60
    while time.time() < end:
        busy = any_named("Copying to")
        if not busy and find("push button", "Copy", timeout=0.1) is None:
            return
        time.sleep(0.5)
    fail("the copy did not end within 60 s")


def enabled(node):
    try:
        return node.getState().contains(pyatspi.STATE_ENABLED)
    except Exception:
        return False


def copy(repo, target_repo, shot=None):
    """From the demo registry, copy the image of `repo` tagged latest into
    the registry of the environment's credentials (moto) as `target_repo`,
    through the copy dialog; the aws CLI checks the result afterwards."""
    open_demo_repo(repo)
    open_copy_dialog("latest")
    pick_moto_target()
    typed = type_into("Target repository", target_repo)
    wait_for_verdict("No tag in the target moves", typed, shot)
    if shot:
        subprocess.run(["import", "-window", "root", shot], check=True)
    click(need("push button", "Copy", "the Copy button"))
    wait_for_copy_end()
    print(f"PASS copy: {repo}:latest copied to {target_repo} through the dialog")


def move_tag(repo, target_repo, source_tag, tag, shot=None):
    """Copy the image of `repo` tagged `source_tag` to `target_repo` under
    `tag`, a tag that names another image there: the dialog lists the move,
    Copy stays off until the move is ticked; the aws CLI checks that the tag
    moved and the other image kept its other tags."""
    open_demo_repo(repo)
    open_copy_dialog(source_tag)
    pick_moto_target()
    typed = type_into("Target repository", target_repo)
    type_into("Tags in the target", tag)
    wait_for_verdict("1 tag in the target names another image", typed, shot)
    if shot:
        subprocess.run(["import", "-window", "root", shot], check=True)
    copy_button = need("push button", "Copy", "the Copy button")
    if enabled(copy_button):
        close_dialog()
        fail(f"Copy is enabled before the move of {tag} is ticked")
    click(need("check box", "Move this tag to the copy", "the move tick"))
    end = time.time() + 5
    while not enabled(copy_button) and time.time() < end:
        time.sleep(0.2)
    if not enabled(copy_button):
        close_dialog()
        fail("Copy stays disabled after the move is ticked")
    click(copy_button)
    wait_for_copy_end()
    print(f"PASS move_tag: {repo}:{source_tag} copied to {target_repo} as {tag}; "
          f"the move was listed and needed its tick")


def export_without_portal(repo, tag, path):
    """On this session (a D-Bus bus, no XDG desktop portal, no zenity) the
    desktop shows no save dialog: "Export to file…" must ask in the app
    instead of doing nothing. The path typed there gets an OCI layout tar,
    read back with Python's tarfile."""
    import json
    import os
    import tarfile
    if os.path.exists(path):
        os.remove(path)
    open_demo_repo(repo)
    row = need("table row", tag, f"the image tagged {tag}", within=True)
    click(row)
    end = time.time() + 15
    while time.time() < end:
        button = find("push button", "Export to file…", timeout=2)
        if button is not None:
            click(button)
        if find("entry", "Save to", timeout=3) is not None:
            break
        click(row)
    else:
        fail("'Export to file…' showed neither a save dialog nor the app's own path field")
    if not any_named("shows no save dialog"):
        fail("the app's path field does not say why it is asked")
    typed = type_into("Save to", path)
    if typed not in (None, path):
        close_dialog()
        fail(f"the path field holds {typed!r}, not {path!r}")
    click(need("push button", "Save", "the Save button"))
    end = time.time() + 30
    while not os.path.exists(path) and time.time() < end:
        time.sleep(0.3)
    if not os.path.exists(path):
        fail(f"nothing was written to {path}")
    time.sleep(1)
    with tarfile.open(path) as t:
        names = t.getnames()
        index = json.load(t.extractfile("index.json"))
    if "oci-layout" not in names or not index.get("manifests"):
        fail(f"{path} is not an OCI layout: {names[:6]}")
    print(f"PASS export_without_portal: {repo}:{tag} written to {path} through the app's own "
          f"path field ({len(names)} entries, {len(index['manifests'])} manifest)")


def sso_sign_in(demo_url, repo, cache_file, shot):
    """A registry whose SSO session never began offers Sign in; the dialog
    shows the code; the code is allowed on the demo's page (its form's POST,
    as a person pressing Allow); the dialog says Signed in, the token is in
    the aws CLI's cache file, and the registry lists its repositories
    without a restart."""
    import os
    import re
    import urllib.parse
    import urllib.request
    click(need("push button", "Sign in", "the Sign in button of the expired registry", timeout=30))
    code = None
    end = time.time() + 20
    while code is None and time.time() < end:
        for n in all_names():
            if re.fullmatch(r"[A-Z]{4}-[A-Z]{4}", n):
                code = n
                break
        time.sleep(0.3)
    if code is None:
        fail(f"the dialog shows no sign-in code; names seen: {all_names()[:40]}")
    subprocess.run(["import", "-window", "root", shot], check=False)
    data = urllib.parse.urlencode({"user_code": code}).encode()
    status = urllib.request.urlopen(urllib.request.Request(
        demo_url + "/device/approve", data=data, method="POST")).status
    if status != 200:
        fail(f"the demo's page did not allow {code}: HTTP {status}")
    end = time.time() + 20
    while not any_named("Signed in.") and time.time() < end:
        time.sleep(0.3)
    if not any_named("Signed in."):
        fail(f"the dialog does not say Signed in; names seen: {all_names()[:40]}")
    if not os.path.exists(cache_file):
        fail(f"no token cache file at {cache_file}")
    click(need("push button", "Close", "the dialog's Close"))
    need("table row", f"Repository {repo}", "the registry listing after the sign-in", timeout=30)
    print(f"PASS sso_sign_in: code {code} allowed on the page; the token is in {os.path.basename(cache_file)}; "
          f"the registry lists {repo} without a restart")


def supply_chain(repo, key_file, shot):
    """In the demo registry: "Unsigned only" hides the signed images and
    keeps the unsigned; a signed image's signature (an OCI 1.1 referrer)
    nests under it, and is verified from the details pane with the demo's
    shipped public key."""
    open_demo_repo(repo)
    # The view may stay on another repository of the demo (a step before
    # left it there): the breadcrumb's registry goes back to the list.
    if find("table row", f"Repository {repo}", timeout=1) is None:
        crumb = None
        for n in nodes(app()):
            try:
                if (n.name or "").endswith("demo (us-east-1)") and n.getRoleName() != "table row":
                    crumb = n
                    break
            except Exception:
                continue
        if crumb is not None:
            click(crumb)
        row = find("table row", f"Repository {repo}", timeout=10)
        if row is None:
            fail(f"no repository row {repo}; rows: {names('table row')[:10]}")
        click(row)
    carried = "signed \u00b7 SBOM \u00b7 attested"
    end = time.time() + 30
    while not any_named(carried) and time.time() < end:
        time.sleep(0.3)
    if not any_named(carried):
        fail(f"no image of {repo} says it is signed; names: {all_names()[:30]}")
    unsigned = need("check box", "Unsigned only", "the Unsigned only filter")
    click(unsigned)
    end = time.time() + 30
    while time.time() < end and (any_named(carried) or find("table row", "v2.1.0", timeout=0.5, within=True)):
        time.sleep(0.3)
    if any_named(carried) or find("table row", "v2.1.0", timeout=0.5, within=True):
        fail("'Unsigned only' still shows the signed image v2.1.0")
    need("table row", "v2.0.2", "the unsigned image v2.0.2 under 'Unsigned only'", within=True)
    click(unsigned)
    end = time.time() + 20
    while not any_named(carried) and time.time() < end:
        time.sleep(0.3)
    click(need("push button", "Show signatures and SBOMs", "the signed image's expander"))
    click(need("table row", "signature ", "the signature row", exact=False))
    end = time.time() + 20
    while not any_named("What this signature says") and time.time() < end:
        time.sleep(0.3)
    if not any_named("What this signature says"):
        fail(f"selecting the signature shows no signature; names: {all_names()[:40]}")
    type_into("Public key file", key_file)
    click(need("push button", "\ue2d6 Verify", "the Verify button"))
    end = time.time() + 15
    while not any_named("Verified with") and time.time() < end:
        time.sleep(0.3)
    subprocess.run(["import", "-window", "root", shot], check=False)
    if not any_named("Verified with"):
        said = [n for n in all_names() if "signature" in n.lower() or "key" in n.lower()][:10]
        fail(f"the signature did not verify with {key_file}: {said}")
    print(f"PASS supply_chain: 'Unsigned only' kept v2.0.2 and hid v2.1.0; the signature of {repo} "
          f"verified from the details pane with {key_file}")


def named_node(text, timeout=15):
    """The first node whose name holds `text` (any role)."""
    end = time.time() + timeout
    while time.time() < end:
        for n in nodes(app()):
            try:
                if text in (n.name or ""):
                    return n
            except Exception:
                continue
        time.sleep(0.3)
    return None


def registry_policy(account, shot):
    """In moto's registry: the Administration tab, the registry policy
    editor, the ready-made "let an account replicate here" for `account`,
    Save; the tab then lists the statement (the shell checks moto with the
    aws CLI). moto enforces the V1 scope (replication and repository
    creation only), so this is the grant moto takes."""
    tab = named_node("Administration")
    if tab is None:
        fail(f"no Administration tab; names: {all_names()[:30]}")
    click(tab)
    click(need("push button", "Edit registry policy", "the registry policy editor", timeout=30, exact=False))
    preset = named_node("Let an account replicate here")
    if preset is None:
        fail(f"no ready-made statement 'Let an account replicate here'; names: {all_names()[:40]}")
    click(preset)
    type_into("Preset account id (12 digits)", account)
    time.sleep(0.5)
    click(need("push button", "Add statement", "Add statement", exact=False))
    time.sleep(0.8)
    subprocess.run(["import", "-window", "root", shot], check=False)
    click(need("push button", "Save policy", "Save policy"))
    end = time.time() + 30
    said = f"Allow account {account}: ecr:CreateRepository, ecr:ReplicateImage"
    while not any_named(said) and time.time() < end:
        time.sleep(0.3)
    if not any_named(said):
        fail(f"the tab does not list the saved statement; names: {all_names()[:40]}")
    if find("push button", "Save policy", timeout=1) is not None:
        fail("the editor stayed open after the save")
    # Back to the repository list for the steps after.
    repos = named_node("Repositories", timeout=5)
    if repos is not None:
        click(repos)
    print(f"PASS registry_policy: a statement letting {account} replicate here added by clicks, "
          "saved, and listed as the registry holds it")


if __name__ == "__main__":
    scenario, args = sys.argv[1], sys.argv[2:]
    # An exception (a node gone while read, an HTTP error) is a FAIL with
    # its words on stdout, not a silent non-zero exit.
    sys.excepthook = lambda kind, value, tb: (
        print(f"FAIL: {scenario}: {kind.__name__}: {value}"),
        __import__("traceback").print_tb(tb, file=sys.stdout),
    )
    {
        "listed": listed,
        "tags": tags,
        "immutable": immutable,
        "findings": findings,
        "copy": copy,
        "move_tag": move_tag,
        "export_without_portal": export_without_portal,
        "sso_sign_in": sso_sign_in,
        "supply_chain": supply_chain,
        "registry_policy": registry_policy,
    }[scenario](*args)
