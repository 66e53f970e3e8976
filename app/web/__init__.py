"""The HTML shell: base layout, navigation, flash messages, error pages, dashboard."""
