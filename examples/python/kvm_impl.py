#!/usr/bin/env python3
"""A small x86 KVM memslot/vCPU implementation for kvm-oracle, in Python 3 (standard
library only), speaking the JSON-lines protocol on stdin/stdout (docs/PROTOCOL.md).

    npx kvm-oracle fuzz --impl "exec:python3 examples/python/kvm_impl.py"

It keeps VMs, memory slots with their dirty bitmaps, the shadow-page budget and vCPU
control registers, and answers the operations listed in OPS; the harness generates no
others. It emits no tracepoint events (so the monitors are reported as not checked) and
is not stepped: each case arrives whole and runs in the order given.

The bug it can carry, active only when a case is created with that mutant name:
    overlap-off-by-one  the memslot overlap check in __kvm_set_memory_region treats a slot
                        that ends where another begins as overlapping (<= for <), so two
                        adjacent slots give -EEXIST
"""
import json
import sys

sys.dont_write_bytecode = True    # leave no __pycache__ next to the sources
from kvm import MUTANTS, OPS, Kvm  # noqa: E402 (after that setting)

CAPABILITIES = {
    "ops": OPS,
    "events": [],
    "stepping": False,
    "wholeCase": True,
    # asyncPf and swappedOut are always empty here (no swapOut), ppc has no VMs: not shown
    "abstract": ["host", "vms", "slots", "nrMmuPages", "vcpus", "registers"],
    "mutants": sorted(MUTANTS),
    "configs": [{"vendor": v, "tdp": t} for v in ("vmx", "svm") for t in (False, True)],
    "platforms": ["x86"],
}


def ioctl_path(op, result):
    """The path an ioctl took, as a coverage feature: "setMemoryRegion:errno:-17", "run:exit:mmio"."""
    detail = result.get("errno", result.get("reason", ""))
    return f"{op['kind']}:{result['kind']}" + (f":{detail}" if detail != "" else "")


class Server:
    """One request line in, one reply line out (docs/PROTOCOL.md)."""

    def __init__(self):
        self.last = None                       # the seq of the last request answered
        self.kvm = None

    def instance(self):
        if self.kvm is None:
            raise ValueError('no instance: send "create" first')
        return self.kvm

    def whole_case(self, req):
        kvm, steps, paths = Kvm(req["config"], req["mutant"]), [], set()
        self.kvm = kvm
        for index, item in enumerate(req["ops"]):
            try:
                result = kvm.apply(item["op"])
            except (KeyError, TypeError, ValueError) as e:
                return {"msg": "case", "steps": steps, "error": {"index": index, "message": describe(e)}}
            steps.append({"result": result, "events": [], **({"state": kvm.abstract()} if req["states"] else {})})
            paths.add(ioctl_path(item["op"], result))
        # optional: our own coverage (here the ioctl paths taken), so guided generation can aim at it
        return {"msg": "case", "steps": steps, "final": kvm.abstract(), "features": sorted(paths)}

    def handle(self, req):
        msg = req["msg"]
        if msg == "hello":
            if req["protocol"] != 1:
                raise ValueError(f"protocol {req['protocol']} not spoken (1 is)")
            # "seq" in the hello reply: this server echoes sequence numbers (docs/PROTOCOL.md)
            return {"msg": "hello", "protocol": 1, "name": "python-example", "capabilities": CAPABILITIES, "seq": 0}
        if msg == "create":
            self.kvm = Kvm(req["config"], req["mutant"])
            return {"msg": "ok"}
        if msg == "apply":
            return {"msg": "result", "result": self.instance().apply(req["op"]), "events": []}
        if msg == "drain":
            return {"msg": "events", "events": []}
        if msg == "abstract":
            return {"msg": "abstract", "state": self.instance().abstract()}
        if msg == "case":
            return self.whole_case(req)
        if msg == "close":
            self.kvm = None
            return {"msg": "ok"}
        if msg == "sync":
            return {"msg": "sync", "last": self.last}
        if msg in ("begin", "step"):
            raise ValueError("this implementation is not stepped")
        raise ValueError(f"unknown request {msg!r}")

    def reply(self, line):
        seq = None
        try:
            req = json.loads(line)
            if not isinstance(req, dict):
                raise ValueError("a request is a JSON object")
            seq = req.pop("seq", None)
            reply = self.handle(req)
        except (KeyError, TypeError, ValueError) as e:   # json.JSONDecodeError is a ValueError
            reply = {"msg": "error", "message": f"bad request: {describe(e)}"}
        if seq is None:
            return reply
        # echo the request's seq; this example emits no events, so its count stays 0
        if req.get("msg") != "sync":
            self.last = seq
        if "events" in reply or "steps" in reply:
            reply["eventsTotal"] = 0
        return {**reply, "seq": seq}


def describe(e):
    return f"missing field {e}" if isinstance(e, KeyError) else str(e)


def main():
    server = Server()
    for line in sys.stdin:                     # until EOF on stdin, then exit 0
        if line.strip():
            sys.stdout.write(json.dumps(server.reply(line)) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
