-- 0032_mapping_crosswalks: the mappings of a requirement onto another
-- (source set: the repository's own crosswalks) by their own index. `isms
-- map suggest CTL-n` walks the crosswalks from what one control is mapped
-- onto; it read every mapping to find them, most of them controls'
-- (50,000 controls' mappings: 275 million instructions for one control).
-- A partial index on them, in id order, is what a scan of them reads.
CREATE INDEX mapping_crosswalks ON mapping (id) WHERE source IS NOT NULL;
