# Lecture videos on CNNs and Evidential Deep Learning.
#   make render                      set-up, train if needed, render the default lecture
#   make render LECTURE=my.yaml      another lecture (no retraining unless the data it needs changes)
#   make test                        set-up and the test suite
# Stages are real files: editing a caption re-renders, it does not retrain.

SHELL   := /bin/bash
PY      := .venv/bin/python
LECTURE ?= scenes/lectures/default.yaml
PRESET  ?= default
SET     ?=
QUALITY ?=
DATA    ?= scene_data
WORKERS ?=
FORCE   ?=
STAMP   := .venv/.setup-done

TRAIN_SRC := pipeline/config.py pipeline/datasets.py pipeline/models.py pipeline/edl.py \
             pipeline/train.py pipeline/run.py pipeline/contract.py
PROBE_SRC := $(TRAIN_SRC) pipeline/probes.py pipeline/metrics.py pipeline/selection.py
SCENE_SRC := $(wildcard scenes/*.py)

.PHONY: setup data render test bench bench-render results check-lecture clean FORCE

setup: $(STAMP)

$(STAMP): pyproject.toml tools/setup.sh tools/system-packages.txt
	@bash tools/setup.sh
	@touch $@

# Written only when their content changes, so that Make reruns just what they affect.
$(DATA)/.config.json: FORCE $(STAMP)
	@$(PY) -m pipeline config --preset $(PRESET) $(addprefix --set ,$(SET)) --write $@

$(DATA)/.selection.json: FORCE $(STAMP) $(DATA)/.config.json
	@$(PY) -m pipeline selection "$(LECTURE)" --config $(DATA)/.config.json --write $@

$(DATA)/training.json: $(DATA)/.config.json $(TRAIN_SRC)
	@echo "==> training both models (about a minute on 2 CPU cores)"
	@$(PY) -m pipeline train --config $(DATA)/.config.json --out $(DATA)

$(DATA)/.probed: $(DATA)/training.json $(DATA)/.selection.json $(PROBE_SRC)
	@echo "==> probing the models into $(DATA)/"
	@$(PY) -m pipeline probe --config $(DATA)/.config.json --selection $(DATA)/.selection.json --out $(DATA)
	@touch $@

data: $(DATA)/.probed

check-lecture: $(STAMP)
	@$(PY) -m scenes.config check "$(LECTURE)"

render: check-lecture data
	@$(PY) -m scenes.render --lecture "$(LECTURE)" --data $(DATA) $(if $(QUALITY),--quality $(QUALITY)) \
		$(if $(WORKERS),--workers $(WORKERS)) $(if $(filter 1 yes true,$(FORCE)),--force)

# Cold, no-op and one-caption-edit render times of the lecture, 1 and 2 workers, 1080p30 and preview.
bench-render: data
	@$(PY) tools/bench_render.py --lecture "$(LECTURE)" --data $(DATA)

test: $(STAMP)
	@$(PY) -m pytest -q

bench: $(STAMP)
	@$(PY) -m pipeline bench --seeds 0 1 2

# Regenerates the results table of README.md from a real run of the three seeds.
results: $(STAMP)
	@$(PY) tools/update_readme.py

clean:
	rm -rf $(DATA)/checkpoints $(DATA)/*.json $(DATA)/.probed $(DATA)/.config.json $(DATA)/.selection.json renders/*/
