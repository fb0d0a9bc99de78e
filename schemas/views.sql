-- Views for comparing claims across papers. They expect tables (or views)
-- named papers, claims, hardware, comparisons and metrics; the build creates
-- data/processed/claims.duckdb with all of them. From any DuckDB session at
-- the repository root instead:
--   create view papers as select * from 'data/processed/papers.parquet';
--   create view claims as select * from 'data/processed/claims.parquet';
--   create view hardware as select * from 'data/processed/hardware.parquet';
--   create view comparisons as select * from 'data/processed/comparisons.parquet';
--   create view metrics as select * from read_csv('pipeline/resources/metrics.csv', comment = '#');
--   .read schemas/views.sql

-- Speedups by the hardware they were measured on.
create or replace view speedups_by_hardware as
select hardware,
       count(*)                    as claims,
       count(distinct paper_id)    as papers,
       round(median(factor), 2)    as median_factor,
       round(max(coalesce(factor_max, factor)), 2) as max_factor
from claims
where claim_type = 'speedup' and hardware is not null and factor is not null
group by hardware
order by claims desc, hardware;

-- The best reported score per dataset and metric (lowest where lower is better).
create or replace view best_score_per_dataset_metric as
with scores as (
    select c.dataset, c.metric, c.value, c.unit, c.paper_id, c.subject,
           coalesce(m.lower_is_better, 0) = 1 as lower_is_better
    from claims c left join metrics m on lower(m.name) = lower(c.metric)
    where c.claim_type = 'accuracy' and c.form = 'absolute'
      and c.dataset is not null and c.metric is not null
)
select dataset, metric, any_value(unit) as unit,
       round(case when bool_or(lower_is_better) then min(value) else max(value) end, 4) as best_value,
       case when bool_or(lower_is_better) then arg_min(paper_id, value) else arg_max(paper_id, value) end as paper_id,
       case when bool_or(lower_is_better) then arg_min(subject, value) else arg_max(subject, value) end as subject,
       count(*) as claims
from scores
group by dataset, metric
order by claims desc, dataset, metric;

-- The baselines beaten most often, by how many papers.
create or replace view baselines_beaten_most as
select baseline,
       count(distinct paper_id) as papers,
       count(*)                 as claims,
       round(median(factor), 2) as median_factor
from comparisons
where factor is null or factor > 1
group by baseline
order by papers desc, claims desc, baseline;

-- Papers ranked by the largest efficiency factor they claim.
create or replace view papers_ranked_by_factor as
select p.paper_id, p.title,
       round(max(coalesce(c.factor_max, c.factor)), 2) as max_factor,
       arg_max(c.claim_type, coalesce(c.factor_max, c.factor)) as claim_type,
       arg_max(c.text, coalesce(c.factor_max, c.factor)) as text
from claims c join papers p using (paper_id)
where c.factor is not null
group by p.paper_id, p.title
order by max_factor desc, p.paper_id;

-- Claims per paper, papers without claims included.
create or replace view claims_per_paper as
select p.paper_id, p.title, count(c.claim_id) as claims,
       count(c.claim_id) filter (where c.factor is not null) as efficiency_claims,
       count(c.claim_id) filter (where c.claim_type = 'accuracy') as accuracy_claims
from papers p left join claims c using (paper_id)
group by p.paper_id, p.title
order by claims desc, p.paper_id;
