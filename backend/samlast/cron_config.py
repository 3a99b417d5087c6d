"""RQ's cron schedule (rq >= 2.5, `rq cron samlast.cron_config`): the monthly follow-up.

On the 1st of every month at 05:00 the follow-up of the month before is queued on the "followup"
queue; `flask samlast worker --queues followup,...` runs it. `flask samlast followup --month
2026-11` runs one by hand.
"""

from rq import cron

from samlast.tasks import monthly_followup_task

cron.register(monthly_followup_task, queue_name="followup", cron="0 5 1 * *", job_timeout=3600)
