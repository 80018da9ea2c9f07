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

    def save_formset(self, request, form, formset, change):
        if formset.model is not Profile:
            return super().save_formset(request, form, formset, change)
        # Pages show bio_html, so an edited bio is rendered (and sanitized) here too.
        for profile in formset.save(commit=False):
            profile.set_bio(profile.bio)
            profile.save()
        formset.save_m2m()
