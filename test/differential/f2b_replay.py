#!/usr/bin/env python3
"""Replays log files through fail2ban's own engine in log time and prints the bans as JSON.

The reference side of banreplay's differential test (test/differential/differential.test.ts).
It uses the fail2ban package's modules unchanged: JailsReader reads the configuration, the
Server/Transmitter pair configures the jails from the resulting command stream, and each line
goes through Filter.processLineAndAdd (FailManager counting, performBan), Actions.__checkBan
(BanManager, the observer's bantime.increment and its database) and Actions.__checkUnBan, with
MyTime set to the line's own time. Only the clock and the scheduling are replaced:

- MyTime is frozen at each line's time (log time instead of the wall clock);
- the observer runs its events at once, in order, instead of in its thread;
- the failure list is cleaned up before every line and the ban database purged before every
  line, instead of every few seconds and every hour of wall time;
- no action is executed, no log file is followed: the lines are read here, merged in time
  order across files as banreplay merges them (files by first time stamp, then line order).

Usage: PYTHONPATH=<fail2ban>/usr/lib/python3/dist-packages TZ=UTC python3 f2b_replay.py \
          --config DIR [--jails FILE]... --jail NAME [--jail NAME]... --now ISO FILE...
Output: {"bans": [{"jail", "ip", "start", "end", "failures"}...]} with epoch seconds, sorted by
jail order, start and address; "end" is null for a permanent ban.
"""

import argparse
import calendar
import gzip
import json
import logging
import os
import shutil
import sys
import tempfile
import time


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--config", required=True, help="fail2ban configuration directory")
    p.add_argument("--jails", action="append", default=[], help="jail.local-style file layered on top")
    p.add_argument("--jail", action="append", required=True, help="jail to replay (repeatable)")
    p.add_argument("--now", required=True, help="reference time for year-less stamps, ISO 8601 UTC")
    p.add_argument("files", nargs="+")
    return p.parse_args(argv)


def read_lines(path):
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as fh:
        for raw in fh:
            yield raw.decode("utf-8", "replace").rstrip("\r\n")


def layered_config(config_dir, extra_files):
    """A temporary copy of config_dir whose jail.d/ also holds the extra jail files, last."""
    if not extra_files:
        return config_dir, None
    tmp = tempfile.mkdtemp(prefix="f2b-replay-")
    dst = os.path.join(tmp, "conf")
    shutil.copytree(config_dir, dst, symlinks=True)
    os.makedirs(os.path.join(dst, "jail.d"), exist_ok=True)
    for i, f in enumerate(extra_files):
        # jail.d/*.local is read after everything else, in name order.
        shutil.copy(f, os.path.join(dst, "jail.d", "zzzz-%03d-extra.local" % i))
    return dst, tmp


def main(argv):
    args = parse_args(argv)
    logging.disable(logging.CRITICAL)

    from fail2ban.client.jailsreader import JailsReader
    from fail2ban.server.mytime import MyTime
    from fail2ban.server.observer import ObserverThread, Observers
    from fail2ban.server.server import Server
    from fail2ban.server.transmitter import Transmitter

    config_dir, tmp = layered_config(args.config, args.jails)
    try:
        wanted = set(args.jail)
        stream = []
        for name in args.jail:
            jr = JailsReader(basedir=config_dir, force_enable=True)
            jr.read()
            if not jr.getOptions(section=name, ignoreWrong=False):
                raise SystemExit("f2b_replay: jail %s does not load" % name)
            stream.extend(jr.convert(allow_no_files=True))
        purge_age = 86400
        from fail2ban.client.fail2banreader import Fail2banReader
        fr = Fail2banReader(basedir=config_dir)
        fr.read()
        fr.getOptions()
        for cmd in fr.convert():
            if cmd[:2] == ["set", "dbpurgeage"]:
                purge_age = MyTime.str2seconds(cmd[2])
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)

    # The observer, run synchronously: add() calls the event at once.
    class SyncObserver(ObserverThread):
        def add(self, name, *args, **kwargs):
            getattr(self, name)(*args, **kwargs)

        def add_named_timer(self, *args, **kwargs):
            pass

        def add_timer(self, *args, **kwargs):
            pass

    # Forced garbage collection every 30 s of (log) time only costs time here.
    from fail2ban.helpers import BgService
    BgService.service = lambda self, force=False, wait=False: False

    observer = SyncObserver()
    Observers.Main = observer

    ref = calendar.timegm(time.strptime(args.now.replace("Z", "").split(".")[0], "%Y-%m-%dT%H:%M:%S"))
    MyTime.setTime(ref)
    server = Server(daemon=False)
    server.setDatabase(":memory:")
    db = server.getDatabase()
    db.purgeage = purge_age
    tr = Transmitter(server)
    skip = {"addlogpath", "addjournalmatch", "addaction", "action", "logencoding"}
    for cmd in stream:
        if cmd[0] == "start":
            continue
        if cmd[0] == "add":
            cmd = ["add", cmd[1], "polling"]
        elif cmd[0] in ("set", "multi-set") and len(cmd) > 2 and cmd[2] in skip:
            continue
        code, res = tr.proceed(cmd)
        if code != 0:
            raise SystemExit("f2b_replay: %r failed: %r" % (cmd, res))
    jails = server._Server__jails
    order = [n for n in args.jail if n in wanted]
    for name in order:
        jails[name].filter.ignoreSelf = False
        # The observer only serves running jails; these are driven here instead of by threads.
        jails[name].isAlive = lambda: True

    # Record every ban the BanManager accepts; the ticket objects keep any later prolongation.
    banned = []
    for name in order:
        bm = jails[name].actions.banManager
        orig = bm.addBanTicket

        def add_ban(ticket, reason={}, _orig=orig, _name=name):
            ok = _orig(ticket, reason=reason)
            if ok:
                banned.append((_name, ticket))
            return ok

        bm.addBanTicket = add_ban

    # Year-less stamps get their year from the reference time, as banreplay does with --now.
    detector = jails[order[0]].filter.dateDetector
    entries = []
    for rank, path in enumerate(args.files):
        for lineno, line in enumerate(read_lines(path), 1):
            MyTime.setTime(ref)
            m = detector.getTime(line)
            if m is None:
                continue
            entries.append((m[0], rank, lineno, line))
    firsts = {}
    for t, rank, _, _ in entries:
        firsts.setdefault(rank, t)
    file_order = {rank: i for i, rank in enumerate(sorted(firsts, key=lambda r: (firsts[r], r)))}
    entries.sort(key=lambda e: (e[0], file_order[e[1]], e[2]))

    for t, _, _, line in entries:
        MyTime.setTime(t)
        if db is not None:
            db.purge()
        for name in order:
            jail = jails[name]
            jail.actions._Actions__checkUnBan(maxCount=1 << 30)
            jail.filter.failManager.cleanup(t)
            jail.filter.processLineAndAdd(line)
            jail.actions._Actions__checkBan()

    out = []
    for name, ticket in banned:
        bt = ticket.getBanTime(jails[name].actions.getBanTime())
        out.append({
            "jail": name,
            "ip": str(ticket.getID()),
            "start": ticket.getTime(),
            "end": None if bt == -1 else ticket.getTime() + bt,
            "failures": ticket._retry,
        })
    rank = {n: i for i, n in enumerate(order)}
    out.sort(key=lambda b: (rank[b["jail"]], b["start"], b["ip"]))
    json.dump({"bans": out}, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
