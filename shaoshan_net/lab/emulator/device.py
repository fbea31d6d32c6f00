"""The CLI engine: one emulated switch's state and a login session's interpreter, no SSH.

`Switch` holds the running and startup configuration (startup persisted as vendor text in the
state dir and replayed through the grammar at start). `Session` turns one typed line into the
text the device prints, walking the dialect's declarations; it knows no platform by name.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .config import Config, Section
from .dialect import Cmd, Dialect
from .grammar import Failure, Match, tokenize


@dataclass
class Frame:
    """One level of the view stack: view name, its config section, its prompt label."""

    view: str
    section: Section | None
    label: str = ""


@dataclass
class Reply:
    """What the device prints for one line; `close` ends the session; `dialog` takes next line."""

    text: str = ""
    close: bool = False
    dialog: Callable[[str], Reply] | None = None
    logged: str | None = None  # the line as it goes to the command log (secrets masked)
    prompt: bool = True  # print the prompt after the text
    error: bool = False  # the line was refused


class Switch:
    """One emulated switch: configuration state shared by all its sessions."""

    def __init__(self, name: str, hostname: str, dialect: Dialect, state_dir: Path | None) -> None:
        self.name = name
        self.dialect = dialect
        self.state_dir = state_dir
        self.running = Config(hostname)
        self.startup: Config | None = None
        self.load_errors: list[str] = []
        self.enable_secret: str | None = None
        path = self.startup_path
        if path is not None and path.exists():
            self.running = self.replay(path.read_text(encoding="utf-8"), hostname)
            self.startup = self.running.clone()
        elif dialect.factory:
            self.running = self.replay("\n".join(dialect.factory), hostname)

    @property
    def startup_path(self) -> Path | None:
        return self.state_dir / f"{self.name}.startup.cfg" if self.state_dir else None

    def replay(self, text: str, hostname: str) -> Config:
        """Build a configuration by feeding saved vendor text through the grammar."""
        d = self.dialect
        self.running = Config(hostname)
        s = Session(self, replay=True)
        base = len(s.frames)
        for raw in text.splitlines():
            stripped = raw.strip()
            if not stripped or stripped.startswith(d.comment):
                del s.frames[base:]
                continue
            if re.match(d.replay_skip, stripped):
                continue
            depth = len(raw) - len(raw.lstrip(" "))
            del s.frames[base + depth :]
            if s.execute(stripped).error:
                self.load_errors.append(stripped)
        return self.running

    def save(self) -> None:
        """Copy running to startup, persisting the vendor text atomically."""
        self.startup = self.running.clone()
        path = self.startup_path
        if path is None:
            return
        text = self.dialect.render(self.startup)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)


SECRET_RE = re.compile(
    r"(?i)(\b(?:irreversible-cipher|cipher|simple|hash|secret(?:\s+[0589])?|password"
    r"|authentication-mode\s+(?:sha|md5)|privacy-mode\s+(?:aes128|aes256|des56|3des)"
    r"|auth\s+(?:sha|md5)|priv\s+(?:aes\s+\d+|des|3des))\s+)(?!irreversible-cipher\b|cipher\b"
    r"|simple\b|hash\b|secret\b|[0589]\s)(\S+)"
)


def mask_line(line: str) -> str:
    """Hide what looks like a password in a line the grammar did not parse."""
    return SECRET_RE.sub(lambda m: m.group(1) + "******", line)


class Session:
    """One login's view stack and interpreter."""

    def __init__(self, switch: Switch, replay: bool = False, privileged: bool = True) -> None:
        self.sw = switch
        self.d = switch.dialect
        self.frames: list[Frame] = []
        if replay:
            root = Frame(self.d.root_view, switch.running.root)
            self.frames = [Frame(self.d.login_view, None), root]
        else:
            start = self.d.login_view
            if not privileged and "exec-user" in self.d.views:
                start = "exec-user"
            self.frames = [Frame(start, None)]

    # --- prompt -----------------------------------------------------------------------------
    @property
    def cfg(self) -> Config:
        return self.sw.running

    def prompt(self) -> str:
        f = self.frames[-1]
        return self.d.prompt(self.cfg.hostname, f.view, f.label)

    # --- execution --------------------------------------------------------------------------
    def execute(self, line: str) -> Reply:
        """Interpret one line typed at the current prompt."""
        stripped = line.strip()
        if not stripped or (stripped.startswith(self.d.comment) and self.in_config()):
            return Reply(logged=stripped or None)
        pipe = None
        m = re.match(r"^(.*?)\s+\|\s+(include|exclude|begin)\s+(.+)$", stripped)
        if m and re.match(r"(?i)(dis|sh|do )", stripped):
            stripped, pipe = m.group(1), (m.group(2), m.group(3))
        tokens = tokenize(stripped)
        prompt = self.prompt()
        failures: list[tuple[Failure, int]] = []
        for depth in range(len(self.frames) - 1, -1, -1):
            view = self.frames[depth].view
            pats = self.d.patterns.get(view, [])
            deepest = depth == len(self.frames) - 1
            if (deepest and view in self.d.parents) or view == self.d.root_view:
                pats = pats + self.d.patterns["*"]
            res = self._match(pats, tokens)
            if isinstance(res, Match):
                del self.frames[depth + 1 :]
                logged = self._logged(stripped, tokens, res)
                try:
                    out = self._act(res)
                except CliError as err:
                    return Reply(err.text, logged=logged, error=True)
                if isinstance(out, Reply):
                    out.logged = logged
                    return out
                if pipe and out:
                    out = _pipe(out, *pipe)
                return Reply(out, logged=logged)
            failures.append((res, depth))
            if view not in self.d.parents:
                break
        fail = max(failures, key=lambda fd: (fd[0].index, fd[1]))[0]
        text = self.d.error(fail, tokens, stripped, prompt)
        return Reply(text, logged=mask_line(stripped), error=True)

    def _match(self, pats: list, tokens: list) -> Match | Failure:  # type: ignore[type-arg]
        from .grammar import match_line

        return match_line(pats, tokens, self.d)

    def in_config(self) -> bool:
        return any(f.view == self.d.root_view for f in self.frames)

    @staticmethod
    def _logged(line: str, tokens: list, m: Match) -> str:  # type: ignore[type-arg]
        if not m.secret_tokens:
            return line
        out, last = "", 0
        for i, t in enumerate(tokens):
            if i in m.secret_tokens:
                out += line[last : t.col] + "******"
                last = t.col + len(t.text)
        return out + line[last:]

    def reject_text(self, line: str) -> str:
        """The vendor's 'unrecognized' error for a line (fault injection)."""
        tokens = tokenize(line.strip())
        return self.d.error(Failure("unrecognized", 0), tokens, line.strip(), self.prompt())

    def _act(self, m: Match) -> str | Reply:
        cmd: Cmd = m.pattern.cmd
        sec = self.frames[-1].section
        for need in (cmd.needs or "").split(","):
            if need and not m.pattern.negated:
                self._check(need, m)
        if m.pattern.negated:
            if cmd.undo_op:
                return getattr(self, f"op_{cmd.undo_op}")(m)
            words = m.canonical.split()[1:]
            if sec is not None:
                sec.remove(" ".join(words))
            return ""
        if cmd.act == "set":
            assert sec is not None
            key = " ".join(m.canonical.split()[: cmd.key]) if cmd.key else m.canonical
            sec.set_line(key, self._shown(m.canonical), cmd.replaces)
            return ""
        if cmd.act == "enter":
            return self._enter(cmd, m)
        return getattr(self, f"op_{cmd.act[3:]}")(m)  # type: ignore[no-any-return]

    def _shown(self, line: str) -> str:
        """The stored form of a typed line (the dialect's `shown_as` rewrites)."""
        for rx, repl in self.d.shown_as:
            line = re.sub(rx, repl, line)
        return line

    def _enter(self, cmd: Cmd, m: Match, section: Section | None = None) -> str:
        header = cmd.header.format(line=m.canonical, **m.values) if cmd.header else m.canonical
        view = cmd.view or ""
        parent = self.frames[-1].section
        assert parent is not None
        if section is None and header not in parent.sections and cmd.creates:
            new = parent.section(header)
            for line in cmd.creates:
                new.set_line(line, line)
        sec = section if section is not None else parent.section(header)
        if view == "interface":
            view = sec.attrs.get("view") or self.d.iftype_of(m.values["ifname"]).view
        label = cmd.label.format(line=m.canonical, parent=self.frames[-1].label, **m.values)
        self.frames.append(Frame(view, sec, label))
        return ""

    def _check(self, need: str, m: Match) -> None:
        sec = self.frames[-1].section
        assert sec is not None
        if need == "trunk" and sec.attrs.get("link-type", self.d.default_link_type) != "trunk":
            raise CliError(self.d.errors["not_trunk"])
        if need == "access" and sec.attrs.get("link-type", self.d.default_link_type) != "access":
            raise CliError(self.d.errors["not_access"])
        if need == "vrf_exists":
            vrf = m.values.get("vrf")
            known = {h.split()[-1] for h in self.cfg.root.sections
                     if h.startswith(("ip vpn-instance ", "vrf definition ", "ip vrf "))}
            if vrf is not None and vrf not in known:
                raise CliError(self.d.errors["no_vrf"].format(vrf=vrf))
        if need == "vlan_exists":
            vid = m.values["vid"]
            if vid not in self.cfg.vlans:
                raise CliError(self.d.errors["no_vlan"].format(vid=vid))

    # --- operations (named by dialect tables) ----------------------------------------------
    def op_noop(self, m: Match) -> str:
        return ""

    def op_text(self, m: Match) -> str:
        """Commands that only print (e.g. key generation): text from the dialect's errors map."""
        return self.d.errors.get(f"text:{m.pattern.cmd.syntax}", "")

    def op_config(self, m: Match) -> str:
        self.frames.append(Frame(self.d.root_view, self.cfg.root))
        return self.d.errors.get("enter_config", "")

    def op_enable(self, m: Match) -> str | Reply:
        """IOS `enable`: asks for the enable secret when the switch has one."""
        if self.frames[0].view == self.d.login_view:
            return ""
        secret = self.sw.enable_secret

        def check(text: str) -> Reply:
            if secret is not None and text.strip() == secret:
                self.frames = [Frame(self.d.login_view, None)]
                return Reply("")
            return Reply("% Access denied", error=True)

        if secret is None:
            return "% No password set"
        return Reply("Password: ", prompt=False, dialog=check)

    def op_disable(self, m: Match) -> str:
        if "exec-user" in self.d.views:
            self.frames = [Frame("exec-user", None)]
        return ""

    def op_quit(self, m: Match) -> str | Reply:
        """Leave one view; at the top (user view) it ends the session."""
        if len(self.frames) == 1:
            return Reply("", close=True, prompt=False)
        self.frames.pop()
        return ""

    def op_return(self, m: Match) -> str:
        del self.frames[1:]
        return ""

    def op_hostname(self, m: Match) -> str:
        self.cfg.hostname = m.values["name"]
        return ""

    def op_undo_hostname(self, m: Match) -> str:
        self.cfg.hostname = self.d.default_hostname
        return ""

    # VLANs
    def op_vlan_add(self, m: Match) -> str:
        for vid in m.values["vids"]:
            self.cfg.vlans.setdefault(vid, Section(f"vlan {vid}"))
        return ""

    def op_vlan_remove(self, m: Match) -> str:
        vids = m.values["vids"] if "vids" in m.values else {m.values["vid"]}
        if 1 in vids:
            raise CliError(self.d.errors["vlan1"])
        for vid in vids:
            self.cfg.vlans.pop(vid, None)
        return ""

    def op_vlan_enter(self, m: Match) -> str:
        vids = m.values["vids"] if "vids" in m.values else {m.values["vid"]}
        for vid in vids:
            self.cfg.vlans.setdefault(vid, Section(f"vlan {vid}"))
        first = min(vids)
        cmd = m.pattern.cmd
        label = cmd.label.format(vid=first, line=m.canonical)
        self.frames.append(Frame(cmd.view or "vlan", self.cfg.vlans[first], label))
        return ""

    # interfaces
    def op_link_type(self, m: Match) -> str:
        sec = self.frames[-1].section
        assert sec is not None
        mode = m.values["_kw"][-1]
        old = sec.attrs.get("link-type", self.d.default_link_type)
        if self.d.neg == "undo" and old == "trunk" and mode != "trunk" and (
            sec.trunk not in (None, {1}) or any(
            "pvid" in k or "native" in k for k in sec.lines
        )):
            raise CliError(self.d.errors["renew"])
        sec.attrs["link-type"] = mode
        if mode == "trunk" and sec.trunk is None and self.d.neg == "undo":
            sec.trunk = {1}
        if mode != "trunk" and self.d.neg == "undo":
            sec.trunk = None
        key = " ".join(m.canonical.split()[:2])
        if mode == self.d.default_link_type:
            sec.lines.pop(key, None)
        else:
            sec.set_line(key, m.canonical)
        return ""

    def op_l3_mode(self, m: Match) -> str:
        """A switch port becomes a routed port (layer-3 view): VRP `undo portswitch`, Comware
        `port link-mode route`, IOS `no switchport`."""
        return self._port_mode(m, "l3if")

    def op_l2_mode(self, m: Match) -> str:
        """Back to a switch port: VRP `portswitch`, Comware `port link-mode bridge`, IOS
        `switchport` (shown only where the dialect's command is not marked `default`)."""
        return self._port_mode(m, "l2if")

    def _port_mode(self, m: Match, view: str) -> str:
        f = self.frames[-1]
        assert f.section is not None
        if self.d.iftype_of(f.section.header.split(None, 1)[1]).view != "l2if":
            raise CliError(self.d.errors["unrecognized"])
        cmd: Cmd = m.pattern.cmd
        for prefix in cmd.replaces:
            f.section.remove(prefix)
        f.section.attrs.pop("view", None)
        if view == "l3if":
            f.section.attrs["view"] = view
        restored = cmd.default and not m.pattern.negated  # `switchport`, `portswitch`
        undone = m.pattern.negated and view == "l2if"  # Comware `undo port link-mode`
        if not (restored or undone):
            f.section.set_line(m.canonical, m.canonical)
        f.view = view
        return ""

    def op_default(self, m: Match) -> str:
        """A command that restores the default: drops its opposites, prints nothing later."""
        sec = self.frames[-1].section
        assert sec is not None
        for prefix in m.pattern.cmd.replaces:
            sec.remove(prefix)
        return ""

    def op_undo_link_type(self, m: Match) -> str:
        sec = self.frames[-1].section
        assert sec is not None
        sec.attrs.pop("link-type", None)
        sec.lines.pop(" ".join(m.canonical.split()[1:3]), None)
        sec.trunk = None
        return ""

    def _trunk(self) -> set[int]:
        sec = self.frames[-1].section
        assert sec is not None
        if sec.trunk is None:
            sec.trunk = set(range(1, 4095)) if self.d.neg == "no" else {1}
        return sec.trunk

    def op_trunk_add(self, m: Match) -> str:
        vids = m.values.get("vids")
        self._trunk().update(vids if vids is not None else range(1, 4095))
        return ""

    def op_trunk_remove(self, m: Match) -> str:
        vids = m.values.get("vids")
        self._trunk().difference_update(vids if vids is not None else range(1, 4095))
        return ""

    def op_trunk_set(self, m: Match) -> str:
        t = self._trunk()
        t.clear()
        vids = m.values.get("vids")
        if "all" in m.values.get("_kw", []):
            t.update(range(1, 4095))
        elif vids is not None:
            t.update(vids)
        return ""

    def op_trunk_except(self, m: Match) -> str:
        t = self._trunk()
        t.clear()
        t.update(set(range(1, 4095)) - set(m.values["vids"]))
        return ""

    def op_trunk_default(self, m: Match) -> str:
        sec = self.frames[-1].section
        assert sec is not None
        sec.trunk = None
        return ""

    def op_access_vlan_auto(self, m: Match) -> str:
        """IOS: an access VLAN that does not exist is created, with a notice."""
        vid = m.values["vid"]
        note = ""
        if vid not in self.cfg.vlans:
            self.cfg.vlans[vid] = Section(f"vlan {vid}")
            note = f"% Access VLAN does not exist. Creating vlan {vid}"
        sec = self.frames[-1].section
        assert sec is not None
        sec.set_line("switchport access vlan", m.canonical)
        return note

    def op_vrf_bind(self, m: Match) -> str:
        """Binding an interface to a VRF drops its IPv4 addresses, as the real devices do."""
        sec = self.frames[-1].section
        assert sec is not None
        words = m.canonical.split()
        key = " ".join(words[:-1])
        if sec.lines.get(key) == m.canonical:
            return ""
        removed = sec.remove("ip address")
        sec.set_line(key, m.canonical)
        ifname = sec.header.split(None, 1)[-1]
        return self.d.errors["vrf_removed"].format(ifname=ifname, vrf=words[-1]) if removed else ""

    def op_acl_rule(self, m: Match) -> str:
        """An ACL rule; without an id it gets the next multiple of 5 (the default step)."""
        sec = self.frames[-1].section
        assert sec is not None
        words = m.canonical.split()
        rid = m.values.get("id")
        if rid is None:
            ids = [int(k.split()[1]) for k in sec.lines if k.startswith("rule ")]
            rid = (max(ids) // 5 + 1) * 5 if ids else 5
            words.insert(1, str(rid))
        sec.set_line(f"rule {rid}", " ".join(words))
        return ""

    # display / show
    def op_show_run(self, m: Match) -> str:
        return self.d.render(self.cfg)

    def op_show_this(self, m: Match) -> str:
        f = self.frames[-1]
        if f.section is None or f.section is self.cfg.root:
            return self.d.render(self.cfg)
        from .dialect import section_body

        header = f.section.header
        body = section_body(f.section, 1, lambda s: [])
        return "\r\n".join(["#", header, *body, "#", "return"])

    def op_show_start(self, m: Match) -> str:
        if self.sw.startup is None:
            return self.d.errors.get("no_startup", "")
        return self.d.render(self.sw.startup)

    def op_show_vlan(self, m: Match) -> str:
        return self.d.display_vlans(self.cfg)

    def op_show_version(self, m: Match) -> str:
        return self.d.version_text.format(hostname=self.cfg.hostname)

    def op_terminal(self, m: Match) -> str:
        return ""

    # saving
    def op_save(self, m: Match) -> str | Reply:
        """Save with the vendor's dialog (see the dialect's `save_*` texts)."""
        d = self.d
        kws = m.values.get("_kw", [])
        if "force" in kws or d.errors.get("save_question") is None:
            self.sw.save()
            return d.errors["save_done"]

        def answer(text: str) -> Reply:
            if text.strip().lower() in ("y", "yes"):
                if d.errors.get("save_file_question"):
                    return Reply(d.errors["save_file_question"], prompt=False, dialog=file_q)
                self.sw.save()
                return Reply(d.errors["save_done"])
            return Reply(d.errors.get("save_aborted", ""))

        def file_q(text: str) -> Reply:
            if text.strip() and text.strip() != d.errors.get("save_file_default", ""):
                return Reply(d.errors.get("save_aborted", ""))
            if d.errors.get("save_overwrite"):
                return Reply(d.errors["save_overwrite"], prompt=False, dialog=answer_over)
            self.sw.save()
            return Reply(d.errors["save_done"])

        def answer_over(text: str) -> Reply:
            if text.strip().lower() in ("y", "yes"):
                self.sw.save()
                return Reply(d.errors["save_done"])
            return Reply(d.errors.get("save_aborted", ""))

        return Reply(d.errors["save_question"], prompt=False, dialog=answer)

    def op_copy_run_start(self, m: Match) -> Reply:
        d = self.d

        def dest(text: str) -> Reply:
            if text.strip() not in ("", "startup-config"):
                return Reply("%Error opening flash:" + text.strip() + " (Permission denied)")
            self.sw.save()
            return Reply(d.errors["save_done"])

        return Reply("Destination filename [startup-config]? ", prompt=False, dialog=dest)

    def op_write(self, m: Match) -> str:
        self.sw.save()
        return self.d.errors["save_done"]


class CliError(Exception):
    """A semantic refusal (wrong port mode, missing VLAN) carrying the device's text."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def _pipe(out: str, how: str, pattern: str) -> str:
    lines = out.split("\r\n")
    try:
        rx = re.compile(pattern)
    except re.error:
        rx = re.compile(re.escape(pattern))
    if how == "include":
        lines = [x for x in lines if rx.search(x)]
    elif how == "exclude":
        lines = [x for x in lines if not rx.search(x)]
    else:
        for i, x in enumerate(lines):
            if rx.search(x):
                lines = lines[i:]
                break
        else:
            lines = []
    return "\r\n".join(lines)
