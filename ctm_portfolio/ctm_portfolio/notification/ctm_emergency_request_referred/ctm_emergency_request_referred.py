"""The notification's context: the standard one."""


def get_context(context):
	pass
