# Two commands do everything on a fresh Debian machine (as root):
#   make demo   - install, then run the main job end to end on the built-in simulated network
#   make test   - install, then run the whole test suite
# Both can run again on the same machine.

VENV   ?= .venv
PYTHON ?= python3
BIN    := $(VENV)/bin
# Debian packages the lab and the tests need (snmp-mibs-downloader does not exist in Debian 12).
APT_PACKAGES := snmpd snmp lldpd chromium fonts-wqy-microhei iproute2 procps util-linux
APT_BINARIES := /usr/sbin/snmpd /usr/bin/snmpget /usr/sbin/lldpd /usr/bin/chromium /usr/sbin/ip \
                /usr/share/fonts/truetype/wqy/wqy-microhei.ttc

# Here push and audit may only reach loopback and the lab's namespaces (shaoshan_net/safety.py);
# on the real network, run shaoshan-net without it.
export SHAOSHAN_LAB_ONLY := 1

.PHONY: demo test install system-packages lint clean lab-down

demo: install
	bash scripts/demo.sh

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -p no:cacheprovider

install: system-packages $(VENV)/.installed

system-packages:
	@missing=0; for b in $(APT_BINARIES); do [ -e $$b ] || missing=1; done; \
	$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || missing=1; \
	if [ $$missing = 1 ]; then \
	  echo "installing Debian packages: $(APT_PACKAGES) python3-venv"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $(APT_PACKAGES) python3-venv >/dev/null; \
	fi

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

lint: install
	$(BIN)/ruff check .

lab-down: install
	$(BIN)/shaoshan-net lab down

clean:
	rm -rf $(VENV) configs reports backups run .lab
