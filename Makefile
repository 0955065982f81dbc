# Lecture videos on CNNs and Evidential Deep Learning.
#   make render                      set-up, train if needed, render the default lecture
#   make render LECTURE=my.yaml      another lecture (no retraining unless the data it needs changes)
#   make test                        set-up and the test suite
#   make serve [PORT=8000]           the learning platform on http://127.0.0.1:PORT/
#   make slides [LECTURE=...]        the lecture as an offline HTML deck and a PPTX (renders first)
#   make course [COURSE=course.yaml] every lecture x language of a course, on Ray (RAY_ADDRESS: a cluster)
# Stages are real files: editing a caption re-renders, it does not retrain.

SHELL   := /bin/bash
PY      := .venv/bin/python
LECTURE ?= lectures/default.yaml
PRESET  ?= default
SET     ?=
QUALITY ?=
DATA    ?= scene_data
HOST    ?= 127.0.0.1
PORT    ?= 8000
WORKERS ?=
COURSE  ?= course.yaml
FORCE   ?=
STAMP   := .venv/.setup-done

TRAIN_SRC := pipeline/config.py pipeline/datasets.py pipeline/models.py pipeline/edl.py \
             pipeline/train.py pipeline/results.py pipeline/metrics.py pipeline/run.py \
             pipeline/timeline.py pipeline/ensemble.py pipeline/mc_dropout.py \
             contract/scene_data.py contract/scene_io.py contract/more_models.py
PROBE_SRC := $(TRAIN_SRC) pipeline/probes.py pipeline/selection.py \
             pipeline/attacks.py pipeline/intervals.py pipeline/inside.py \
             pipeline/more_probes.py pipeline/more_attacks.py pipeline/cost.py contract/models.py

.PHONY: setup data render test bench bench-render results sweep check-lecture clean serve \
        bench-serve narration-script slides course bench-course FORCE

setup: $(STAMP)

$(STAMP): pyproject.toml tools/setup.sh tools/system-packages.txt tests/js/package-lock.json \
          rendering/js/package-lock.json
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
	@$(PY) -m contract.lecture check "$(LECTURE)"

render: check-lecture data
	@$(PY) -m rendering.render --lecture "$(LECTURE)" --data $(DATA) $(if $(QUALITY),--quality $(QUALITY)) \
		$(if $(WORKERS),--workers $(WORKERS)) $(if $(filter 1 yes true,$(FORCE)),--force)

# Slides for teaching in the room, from the rendered clips (nothing is drawn twice): beside the
# lecture's videos, slides/index.html (reveal.js, offline) and lecture.pptx.
slides: render
	@$(PY) -m rendering.slides --lecture "$(LECTURE)"

# A course on Ray: every sequence of every lecture of COURSE a task, on local Ray or the cluster
# at RAY_ADDRESS; each lecture lands in its usual folder, as `make render` would write it.
# The lectures share one scene_data (the same sample digit).
course: data
	@$(PY) -m rendering.course --course "$(COURSE)" --data $(DATA) $(if $(QUALITY),--quality $(QUALITY)) \
		$(if $(filter 1 yes true,$(FORCE)),--force)

# Cold course (default + Chinese lecture) on Ray against `make render` of each, one after the
# other, and the no-op course re-run (figures printed; QUALITY=preview for a quick one).
bench-course: data
	@$(PY) tools/bench_course.py --data $(DATA) $(if $(QUALITY),--quality $(QUALITY))

# The words to record for narration.engine: recorded, with each section's current length.
narration-script: check-lecture data
	@$(PY) -m rendering.narrate script --lecture "$(LECTURE)" --data $(DATA)

# Cold, no-op and one-caption-edit render times of the lecture, 1 and 2 workers, 1080p30 and preview.
bench-render: data
	@$(PY) tools/bench_render.py --lecture "$(LECTURE)" --data $(DATA)

# One worker per core; the tests that read one sequence's observed renders share a worker
# (--dist loadgroup), so each render is made once.
test: $(STAMP)
	@$(PY) -m pytest -q -n auto --dist loadgroup

# The learning platform: the lecture player and both models on the student's own digit.
# HOST=0.0.0.0 exposes it beyond this machine (it warns).
serve: data
	@$(PY) -m webapp --host $(HOST) --port $(PORT) --data $(DATA)

# A bounded loopback load test of the platform (20 clients per endpoint, then one client
# bursting 200 attacks while 20 predict; 127.0.0.1 only).
bench-serve: data
	@$(PY) -m webapp.bench --data $(DATA)

bench: $(STAMP)
	@$(PY) -m pipeline bench --seeds 0 1 2

# Regenerates the results table of README.md from a real run of the three seeds, stamped with
# the configuration hash and a digest of PROBE_SRC (tests/test_readme_figures.py checks it).
results: $(STAMP)
	@$(PY) tools/update_readme.py results

# Regenerates the evidence-function sweep table of README.md (the rule is in pipeline/sweep.py).
sweep: $(STAMP)
	@$(PY) tools/update_readme.py sweep

clean:
	rm -rf $(DATA)/checkpoints $(DATA)/timeline $(DATA)/*.json $(DATA)/.probed $(DATA)/.config.json $(DATA)/.selection.json renders/*/
