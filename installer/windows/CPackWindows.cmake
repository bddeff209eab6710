# CPack settings for Windows: NSIS (.exe) and WiX (.msi). Included by installer/CMakeLists.txt on WIN32 only;
# built on Windows after windeployqt has put the Qt run time next to the binaries (README.md here).
set(CPACK_GENERATOR NSIS WIX)
set(CPACK_PACKAGE_FILE_NAME "MDSync-${PROJECT_VERSION}-win64")
set(CPACK_RESOURCE_FILE_LICENSE "${CMAKE_CURRENT_LIST_DIR}/LICENSE.txt")

# The Qt run time deployed by windeployqt into <build>/deploy (bin/, plugins, translations) goes in as is.
set(MDSYNC_WINDEPLOY_DIR "${PROJECT_BINARY_DIR}/deploy" CACHE PATH "Output folder of windeployqt")
install(DIRECTORY "${MDSYNC_WINDEPLOY_DIR}/" DESTINATION bin OPTIONAL)

# ---- NSIS ----
set(CPACK_NSIS_DISPLAY_NAME "MDSync Control Tower ${PROJECT_VERSION}")
set(CPACK_NSIS_PACKAGE_NAME "MDSync Control Tower")
set(CPACK_NSIS_MUI_ICON "${CMAKE_CURRENT_LIST_DIR}/mdsync.ico")
set(CPACK_NSIS_MUI_UNIICON "${CMAKE_CURRENT_LIST_DIR}/mdsync.ico")
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\mdsync.exe")
set(CPACK_NSIS_URL_INFO_ABOUT "https://mdsync.example.org/")
set(CPACK_NSIS_CONTACT "mdsync@example.org")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_NSIS_MODIFY_PATH ON) # offers to put bin\ (mdsyncctl) on PATH
# The Start-menu shortcut comes from CPACK_PACKAGE_EXECUTABLES (installer/CMakeLists.txt).
# Workspace files (*.mdsync) open in the control tower on a double-click.
set(CPACK_NSIS_EXTRA_INSTALL_COMMANDS "
  WriteRegStr HKCR '.mdsync' '' 'MDSync.Workspace'
  WriteRegStr HKCR 'MDSync.Workspace' '' 'MDSync workspace'
  WriteRegStr HKCR 'MDSync.Workspace\\\\DefaultIcon' '' '$INSTDIR\\\\bin\\\\mdsync.exe,0'
  WriteRegStr HKCR 'MDSync.Workspace\\\\shell\\\\open\\\\command' '' '\\\"$INSTDIR\\\\bin\\\\mdsync.exe\\\" \\\"%1\\\"'
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
")
set(CPACK_NSIS_EXTRA_UNINSTALL_COMMANDS "
  DeleteRegKey HKCR 'MDSync.Workspace'
  DeleteRegKey HKCR '.mdsync'
")

# ---- WiX (.msi) ----
# Never change the upgrade code: it ties every later version of the .msi to this product.
set(CPACK_WIX_UPGRADE_GUID "6F1C2B7E-3D4A-4E5B-9A8C-0D1E2F3A4B5C")
set(CPACK_WIX_PRODUCT_ICON "${CMAKE_CURRENT_LIST_DIR}/mdsync.ico")
set(CPACK_WIX_PROGRAM_MENU_FOLDER "MDSync")
set(CPACK_WIX_PROPERTY_ARPURLINFOABOUT "https://mdsync.example.org/")
set(CPACK_WIX_PROPERTY_ARPHELPLINK "https://mdsync.example.org/docs/")
# File association for mdsync.exe (WiX fragment patched into the generated .wxs); the Start-menu shortcut comes
# from CPACK_PACKAGE_EXECUTABLES.
set(CPACK_WIX_PATCH_FILE "${CMAKE_CURRENT_LIST_DIR}/wix-patch.xml")
set(CPACK_WIX_EXTENSIONS WixUtilExtension)
