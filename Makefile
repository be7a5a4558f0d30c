# The two commands a newcomer needs: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB := microlensing.db
MIRROR := data/mirror
DEMO_MIRROR := data/demo-mirror
SURVEYS ?= ogle moa kmtnet
YEARS ?=
PORT ?= 8001

# The settings the local portal and a published one share.
SETTINGS := --setting suggest_facets off --setting max_returned_rows 1000 --setting sql_time_limit_ms 3000 \
	--setting facet_time_limit_ms 500 --setting default_cache_ttl 3600 --setting max_csv_mb 200 \
	--setting allow_download off
PORTAL_FILES := --metadata metadata.yml --plugins-dir plugins --template-dir templates --static assets:static/
DATASETTE_OPTIONS := $(PORTAL_FILES) $(SETTINGS)

.PHONY: serve portal test test-fast demo db update offline publish bench clean

serve: $(DB) inspect.json
	$(MAKE) --no-print-directory portal

# Serve the database that is there (deploy/microlensing-portal.service runs this).
portal: | $(BIN)/datasette
	$(BIN)/datasette serve -i $(DB) --inspect-file inspect.json $(DATASETTE_OPTIONS) -h 127.0.0.1 -p $(PORT)

test: $(BIN)/pytest
	$(BIN)/python -m pytest -q -n auto --dist loadfile

# The quick loop while working: everything but the whole builds, the browser and the sampler's coverage.
test-fast: $(BIN)/pytest
	$(BIN)/python -m pytest -q -n auto --dist loadfile -m "not slow"

# The synthetic demo database, built offline from a generated mirror (only when there is no database yet).
$(DB): | $(BIN)/datasette
	$(MAKE) demo

demo: $(BIN)/datasette
	rm -rf $(DEMO_MIRROR)
	$(BIN)/python -m microlensing_to_sqlite.demo $(DEMO_MIRROR)
	./build --offline --mirror $(DEMO_MIRROR) --db $(DB)

# Live: fetch into data/mirror, then load it. e.g. make db YEARS="2024 2025" SURVEYS=ogle
db: $(BIN)/datasette
	./build --mirror $(MIRROR) --db $(DB) --surveys $(SURVEYS) $(if $(YEARS),--years $(YEARS))

# Nightly: the current season (and the previous one's events still going), with conditional requests;
# then a new database from the whole mirror. Parameter history is kept in $(MIRROR)/history.db.
# The inspect file is written whatever the build's exit status, which make then passes on.
update: $(BIN)/datasette
	./build --update --mirror $(MIRROR) --db $(DB); status=$$?; \
	$(BIN)/python -m microlensing_to_sqlite.inspect_file $(DB) inspect.json && exit $$status

# Publish the portal as it is served locally. PUBLISHER=cloudrun (core) or fly (datasette-publish-fly).
# The plugins import the package microlensing_to_sqlite: its wheel goes into the image (a static mount is how
# datasette publish copies a folder into its Docker context) and is installed there.
PUBLISHER ?= cloudrun
SERVICE ?= microlensing
publish: $(DB) | $(BIN)/datasette
	rm -rf .publish && $(BIN)/python -m pip wheel -q --no-deps -w .publish .
	$(BIN)/datasette publish $(PUBLISHER) $(DB) $(if $(filter fly,$(PUBLISHER)),--app,--service) $(SERVICE) \
		$(PORTAL_FILES) --static wheel:.publish --extra-options "$(SETTINGS)" --install datasette-vega \
		--install "./wheel/$$(cd .publish && ls *.whl)" --version-note "$$(date -u +%F)"

# Load an existing mirror without touching the network. e.g. make offline MIRROR=../shared/survey-samples/mirror
offline: $(BIN)/datasette
	@echo "make offline: building $(DB) from $(MIRROR), in place of the database there (the demo, after make serve)"
	./build --offline --mirror $(MIRROR) --db $(DB) --surveys $(SURVEYS) $(if $(YEARS),--years $(YEARS))

inspect.json: $(DB) | $(BIN)/datasette
	$(BIN)/python -m microlensing_to_sqlite.inspect_file $(DB) inspect.json

bench: $(BIN)/pytest
	$(BIN)/python -m benchmarks

$(BIN)/datasette: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	touch $@

# The test tools (pytest, hypothesis, Playwright), which make serve does not need.
$(BIN)/pytest: $(BIN)/datasette requirements-test.txt
	$(BIN)/python -m pip install -q -r requirements-test.txt
	touch $@

clean:
	rm -rf $(DB) $(DB).building inspect.json $(DEMO_MIRROR) .publish
