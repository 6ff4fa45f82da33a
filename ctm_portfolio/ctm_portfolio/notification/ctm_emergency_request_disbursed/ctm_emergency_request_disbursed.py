"""Context of the notification: ``office_users``, the users of the request's field office (CC)."""

from ctm_portfolio.ctm_portfolio.emergency_fund import notification_context


def get_context(context):
	return notification_context(context)
