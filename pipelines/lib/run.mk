# pipelines/lib/run.mk: the commoncrawl-malay pipeline on one node, as make targets.
# Called by pipelines/commoncrawl-malay as: make -f run.mk -j N RUN=DIR SHARDS=n PARTS=p STAGE=path
# Every target is a task's marker in RUN/done/; pipelines/lib/stage runs the task.

idx = $(shell seq -f %05g 0 $$(($(1) - 1)))
SH := $(call idx,$(SHARDS))
PA := $(call idx,$(PARTS))
D := $(RUN)/done
num = $(shell expr $(lastword $(subst -, ,$(notdir $(1)))) + 0)

all: $(D)/report

$(D)/fetch-%:
	@'$(STAGE)' '$(RUN)' fetch $(call num,$@)
$(D)/clean-%: $(D)/fetch-%
	@'$(STAGE)' '$(RUN)' clean $(call num,$@)
$(D)/sign-%: $(D)/clean-%
	@'$(STAGE)' '$(RUN)' sign $(call num,$@)
$(D)/bucket-%: $(D)/sign-%
	@'$(STAGE)' '$(RUN)' bucket $(call num,$@)
$(D)/cluster-%: $(SH:%=$(D)/bucket-%)
	@'$(STAGE)' '$(RUN)' cluster $(call num,$@)
$(D)/merge: $(PA:%=$(D)/cluster-%)
	@'$(STAGE)' '$(RUN)' merge
$(D)/final-%: $(D)/merge
	@'$(STAGE)' '$(RUN)' final $(call num,$@)
$(D)/report: $(SH:%=$(D)/final-%)
	@'$(STAGE)' '$(RUN)' report

.PHONY: all
.SECONDARY:
.DELETE_ON_ERROR:
