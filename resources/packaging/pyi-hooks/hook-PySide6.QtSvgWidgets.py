# Overrides PyInstaller's own hook: the same Qt dependencies, minus what the app never loads.
from qtfilter import filtered_qt6_dependencies

hiddenimports, binaries, datas = filtered_qt6_dependencies(__file__)
