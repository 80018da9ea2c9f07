from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .models import Profile


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = ["display_name", "bio", "email_notifications"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class AgoraUserAdmin(UserAdmin):
    inlines = [ProfileInline]
